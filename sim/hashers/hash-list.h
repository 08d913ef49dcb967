/*
 * hash-list.h - every hasher, once.  Included with FX_HASHER(name) defined;
 * the order here is the order of "futexsim list --hashers".
 * No include guard on purpose.
 */
FX_HASHER(jhash2)
FX_HASHER(hash_32)
FX_HASHER(hash_64)
FX_HASHER(hash_64_old)
FX_HASHER(siphash)
FX_HASHER(hsiphash)
FX_HASHER(xxh32)
FX_HASHER(xxh64)
FX_HASHER(xxh3)
FX_HASHER(murmur3)
FX_HASHER(murmur3_fmix64)
FX_HASHER(crc32c)
FX_HASHER(wyhash)
FX_HASHER(fnv1a)
FX_HASHER(modprime)
FX_HASHER(liteos)
FX_HASHER(lowbits)
FX_HASHER(ideal)
