// SPDX-License-Identifier: MIT
/*
 * liteos.c - the futex hash of LiteOS-A (OpenHarmony kernel_liteos_a,
 * kernel/base/ipc/los_futex.c, OsFutexKeyToIndex):
 *
 *	index = LOS_HashFNV32aBuf(&futexKey, sizeof(UINTPTR), FNV1_32A_INIT);
 *	private: index &= 63;  shared: index = (index & 15) + 64;
 *
 * where futexKey is the futex's user virtual address for a private futex
 * and its physical address (LOS_PaddrQuery) for a shared one, and
 * LOS_HashFNV32aBuf (kernel/include/los_hash.h) is byte-wise FNV-1a-32:
 * basis 0x811c9dc5, prime 0x01000193.  LiteOS-A is built for 32-bit ARM,
 * so UINTPTR is 4 bytes, hashed in little-endian order.
 *
 * The value returned is the FNV-1a-32 value itself: value & 63 is the
 * private index and (value & 15) + 64 the shared one, so the layout picks
 * table and mask from the key's kind; the hasher does not.
 *
 * Key folding: only the address is hashed, as LiteOS does: the address
 * word of the key (fold.h, folding 3: the last word pair's low word, or
 * the last word of an odd-length key) plus the in-page offset (initval
 * without its two FUT_OFF_* kind bits), truncated to 32 bits.  Other key
 * words (mm, i_seq), the address's high word and the kind bits are
 * ignored; the layout is expected to pass the physical address as the
 * address word of a shared key.
 *
 * Seed: XORed into the FNV basis, (u32)seed ^ (u32)(seed >> 32); seed 0 is
 * LiteOS's value.  hash_bytes is LOS_HashFNV32aBuf over any buffer with
 * the same seeding, so hash_key == hash_bytes(LE32(address + offset), 4).
 */
#include "hasher.h"
#include "fold.h"

#define FNV1_32A_INIT 0x811c9dc5u
#define FNV_32_PRIME 0x01000193u

static uint64_t liteos_bytes(const void *data, size_t len, uint64_t seed)
{
	const uint8_t *p = data;
	uint32_t h = FNV1_32A_INIT ^ fxh_seed32(seed);

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= FNV_32_PRIME;
	}
	return h;
}

static uint64_t liteos_key(const uint32_t *words, unsigned nwords,
			   uint32_t initval, uint64_t seed)
{
	uint32_t uaddr = (uint32_t)fxh_key_addr(words, nwords) +
			 fxh_key_offset(initval);
	uint32_t h = FNV1_32A_INIT ^ fxh_seed32(seed);

	for (unsigned b = 0; b < 4; b++, uaddr >>= 8) {
		h ^= uaddr & 0xff;
		h *= FNV_32_PRIME;
	}
	return h;
}

const struct fx_hasher fx_hasher_liteos = {
	.name = "liteos",
	.summary = "LiteOS-A futex hash: FNV-1a-32 of the 32-bit futex address",
	.out_bits = 32,
	.hash_key = liteos_key,
	.hash_bytes = liteos_bytes,
};
