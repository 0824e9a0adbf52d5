// CRC-32C with the SSE 4.2 `crc32` instruction, when the processor has it.
#include "CSluiceShims.h"

#include <string.h>

#if defined(__x86_64__)
#include <nmmintrin.h>

static int have_sse42;

// The `crc32` instruction has a latency of three cycles and a throughput of one per
// cycle: three independent streams over adjacent blocks keep it busy, and their CRCs are
// joined by "shifting" one over the length of the next (multiplying by x^(8 * length)
// modulo the polynomial) with tables built once. This is Mark Adler's scheme (crc32c.c,
// as in zlib's crc32_combine), with blocks of 8 KiB and of 256 bytes.
#define CRC32C_POLY 0x82f63b78u
#define LONG_BLOCK 8192
#define SHORT_BLOCK 256

static uint32_t shift_long[4][256];
static uint32_t shift_short[4][256];

static uint32_t gf2_times(const uint32_t *matrix, uint32_t vector) {
    uint32_t sum = 0;
    while (vector) {
        if (vector & 1) sum ^= *matrix;
        vector >>= 1;
        matrix++;
    }
    return sum;
}

static void gf2_square(uint32_t *square, const uint32_t *matrix) {
    for (int n = 0; n < 32; n++) square[n] = gf2_times(matrix, matrix[n]);
}

// The operator that appends `bytes` zero bytes (a power of two) to a CRC.
static void zeros_operator(uint32_t *even, size_t bytes) {
    uint32_t odd[32];
    odd[0] = CRC32C_POLY;  // one zero bit
    uint32_t row = 1;
    for (int n = 1; n < 32; n++) {
        odd[n] = row;
        row <<= 1;
    }
    gf2_square(even, odd);  // two zero bits
    gf2_square(odd, even);  // four
    for (;;) {
        gf2_square(even, odd);  // eight, then 32, 128, ...
        bytes >>= 1;
        if (bytes == 0) return;
        gf2_square(odd, even);
        bytes >>= 1;
        if (bytes == 0) break;
    }
    memcpy(even, odd, sizeof odd);
}

static void shift_tables(uint32_t table[4][256], size_t bytes) {
    uint32_t op[32];
    zeros_operator(op, bytes);
    for (uint32_t n = 0; n < 256; n++) {
        table[0][n] = gf2_times(op, n);
        table[1][n] = gf2_times(op, n << 8);
        table[2][n] = gf2_times(op, n << 16);
        table[3][n] = gf2_times(op, n << 24);
    }
}

static inline uint32_t shift(uint32_t table[4][256], uint32_t crc) {
    return table[0][crc & 0xff] ^ table[1][(crc >> 8) & 0xff] ^ table[2][(crc >> 16) & 0xff] ^ table[3][crc >> 24];
}

__attribute__((constructor)) static void detect_sse42(void) {
    __builtin_cpu_init();
    have_sse42 = __builtin_cpu_supports("sse4.2");
    if (have_sse42) {
        shift_tables(shift_long, LONG_BLOCK);
        shift_tables(shift_short, SHORT_BLOCK);
    }
}

static inline uint64_t load64(const unsigned char *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

// Runs three streams over each run of three adjacent `block`-byte blocks while at least
// one run is left, then joins them into `c0`; advances `*p` and `*n` past what it read.
// Inlined with a constant `block`, so each caller gets its own loop.
__attribute__((target("sse4.2"), always_inline)) static inline uint64_t
crc32c_three_ways(uint64_t c0, const unsigned char **p, size_t *n, size_t block, uint32_t table[4][256]) {
    const unsigned char *q = *p;
    size_t left = *n;
    while (left >= 3 * block) {
        uint64_t c1 = 0, c2 = 0;
        const unsigned char *end = q + block;
        do {
            c0 = _mm_crc32_u64(c0, load64(q));
            c1 = _mm_crc32_u64(c1, load64(q + block));
            c2 = _mm_crc32_u64(c2, load64(q + 2 * block));
            q += 8;
        } while (q < end);
        c0 = shift(table, (uint32_t)c0) ^ (uint32_t)c1;
        c0 = shift(table, (uint32_t)c0) ^ (uint32_t)c2;
        q += 2 * block;
        left -= 3 * block;
    }
    *p = q;
    *n = left;
    return c0;
}

__attribute__((target("sse4.2"))) static uint32_t crc32c_sse42(uint32_t crc, const unsigned char *p, size_t n) {
    uint64_t c0 = (uint32_t)~crc;
    c0 = crc32c_three_ways(c0, &p, &n, LONG_BLOCK, shift_long);
    c0 = crc32c_three_ways(c0, &p, &n, SHORT_BLOCK, shift_short);
    while (n >= 8) {
        c0 = _mm_crc32_u64(c0, load64(p));
        p += 8;
        n -= 8;
    }
    uint32_t c32 = (uint32_t)c0;
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
