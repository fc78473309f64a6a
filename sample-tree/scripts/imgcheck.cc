// SPDX-License-Identifier: GPL-2.0
/*
 * imgcheck - sanity checks of a flat real-mode guest image.
 *
 *   imgcheck IMAGE MAXSIZE
 *
 * Fails when the image is empty, larger than MAXSIZE bytes, or contains
 * no HLT instruction (0xf4), i.e. when the guest could never stop.
 */
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

int main(int argc, char **argv)
{
	if (argc != 3) {
		std::cerr << "usage: " << argv[0] << " IMAGE MAXSIZE\n";
		return 2;
	}
	std::ifstream in(argv[1], std::ios::binary);
	if (!in) {
		std::cerr << "imgcheck: cannot open " << argv[1] << "\n";
		return 1;
	}
	std::vector<unsigned char> img((std::istreambuf_iterator<char>(in)),
				       std::istreambuf_iterator<char>());
	unsigned long max = std::strtoul(argv[2], nullptr, 0);
	if (img.empty() || img.size() > max) {
		std::cerr << "imgcheck: " << argv[1] << ": bad size "
			  << img.size() << " (limit " << max << ")\n";
		return 1;
	}
	if (std::find(img.begin(), img.end(), 0xf4) == img.end()) {
		std::cerr << "imgcheck: " << argv[1] << ": no hlt instruction\n";
		return 1;
	}
	return 0;
}
