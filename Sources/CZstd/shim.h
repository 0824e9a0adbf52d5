#ifndef SLUICE_CZSTD_SHIM_H
#define SLUICE_CZSTD_SHIM_H
#if __has_include(<zstd.h>)
#include <zstd.h>
#else
#error "sluice needs libzstd's headers: install them with 'apt-get install -y libzstd-dev' (Debian/Ubuntu) or 'dnf install libzstd-devel' (Fedora)"
#endif
#endif
