all: pre\:foo
pre\:foo: ; @echo "target ($@)"
