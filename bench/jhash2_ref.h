/* SPDX-License-Identifier: MIT */
/*
 * jhash2_ref.h - a plain port of the kernel's jhash2(), used only by
 * bench/hash_bench.cc as the speed reference for sim/hashers/jhash2.c.
 */
#ifndef FX_BENCH_JHASH2_REF_H
#define FX_BENCH_JHASH2_REF_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * bench_jhash2_ref - jhash2() as include/linux/jhash.h defines it
 * @k:       the key, @length u32 words
 * @length:  number of words
 * @initval: the previous hash or an arbitrary value (futex: key offset)
 *
 * Return: the 32-bit lookup3 hash, the kernel's value.
 */
uint32_t bench_jhash2_ref(const uint32_t *k, uint32_t length, uint32_t initval);

#ifdef __cplusplus
}
#endif

#endif /* FX_BENCH_JHASH2_REF_H */
