echo alpha
echo probe-stderr >&2
