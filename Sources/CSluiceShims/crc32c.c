// CRC-32C with the SSE 4.2 `crc32` instruction, when the processor has it.
#include "CSluiceShims.h"

#include <string.h>

#if defined(__x86_64__)
#include <nmmintrin.h>

static int have_sse42;

__attribute__((constructor)) static void detect_sse42(void) {
    __builtin_cpu_init();
    have_sse42 = __builtin_cpu_supports("sse4.2");
}

__attribute__((target("sse4.2"))) static uint32_t crc32c_sse42(uint32_t crc, const unsigned char *p, size_t n) {
    uint64_t c = (uint32_t)~crc;
    while (n >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        c = _mm_crc32_u64(c, v);
        p += 8;
        n -= 8;
    }
    uint32_t c32 = (uint32_t)c;
    while (n > 0) {
        c32 = _mm_crc32_u8(c32, *p++);
        n -= 1;
    }
    return ~c32;
}
#endif

int sluice_crc32c_hardware(uint32_t crc, const void *bytes, size_t count, uint32_t *result) {
#if defined(__x86_64__)
    if (have_sse42) {
        *result = crc32c_sse42(crc, (const unsigned char *)bytes, count);
        return 1;
    }
#endif
    (void)crc;
    (void)bytes;
    (void)count;
    (void)result;
    return 0;
}
