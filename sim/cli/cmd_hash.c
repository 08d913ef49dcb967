// SPDX-License-Identifier: MIT
/*
 * cmd_hash.c - "futexsim hash": for each address, the futex key words the
 * kernel hashes, the hash value, and the table, node and bucket the
 * layout picks.  A user checks a hash by hand with it.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "futex_int.h"
#include "hashers/hasher.h"
#include "layouts/layout.h"

static const char hash_usage[] =
	"usage: futexsim hash [--hasher H] [--layout L] [--cpus N] [--nodes N]\n"
	"                     [--seed S] [--slots N] [--mm PTR] [--shared-anon]\n"
	"                     [--inode SEQ] [--node N] ADDR...\n"
	"  Prints, per futex address, the key words, the hash and the bucket.\n"
	"  --hasher H     hash function (default jhash2; see 'futexsim list')\n"
	"  --layout L     bucket layout (default private)\n"
	"  --cpus N       possible CPUs (default 2)     --nodes N  NUMA nodes (default 1)\n"
	"  --seed S       hasher seed (default 0 = the kernel)\n"
	"  --slots N      the process has a private hash of N slots (layout private)\n"
	"  --mm PTR       the mm_struct address in private keys (default 0xffff888100000000)\n"
	"  --shared-anon  shared key of an anonymous page (offset | FUT_OFF_MMSHARED)\n"
	"  --inode SEQ    shared key of a file page: i_seq SEQ, pgoff = ADDR / 4096\n"
	"  --node N       FUTEX2_NUMA key with node N (not hashed; picks the table)\n"
	FX_CLI_KNOB_HELP;

int fx_cli_hash(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hasher", required_argument, NULL, 'H' },
		{ "layout", required_argument, NULL, 'L' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "nodes", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "slots", required_argument, NULL, 'S' },
		{ "mm", required_argument, NULL, 'm' },
		{ "shared-anon", no_argument, NULL, 'a' },
		{ "inode", required_argument, NULL, 'i' },
		{ "node", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		FX_CLI_KNOB_OPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct fx_core_config cfg = { .ncpus = 2, .nnodes = 1 };
	uint64_t v, mmptr = 0xffff888100000000ull, inode = 0, slots = 0;
	int64_t node = FX_NO_NODE;
	bool shared_anon = false, have_slots = false;
	struct fx_core *core;
	struct fx_task *t;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			cfg.hasher = fx_hasher_find(optarg);
			if (!cfg.hasher)
				return fx_cli_error("hash", "unknown hasher '%s'; expected one of: %s",
						    optarg, fx_hasher_names());
			break;
		case 'L':
			cfg.layout = fx_layout_find(optarg);
			if (!cfg.layout)
				return fx_cli_error("hash", "unknown layout '%s'; expected one of: %s",
						    optarg, fx_layout_names());
			break;
		case 'c':
			if (!fx_parse_u64(optarg, &v) || !v || v > 65536)
				return fx_cli_error("hash", "--cpus '%s': expected 1..65536", optarg);
			cfg.ncpus = (unsigned)v;
			break;
		case 'n':
			if (!fx_parse_u64(optarg, &v) || !v || v > 1024)
				return fx_cli_error("hash", "--nodes '%s': expected 1..1024", optarg);
			cfg.nnodes = (unsigned)v;
			break;
		case 's':
			if (!fx_parse_u64(optarg, &cfg.seed))
				return fx_cli_error("hash", "--seed '%s': expected a number", optarg);
			break;
		case 'S':
			if (!fx_parse_u64(optarg, &slots) || slots == 1 ||
			    (slots & (slots - 1)) || slots > (1u << 27))
				return fx_cli_error("hash", "--slots '%s': expected 0 or a power of two 2..2^27", optarg);
			have_slots = true;
			break;
		case 'm':
			if (!fx_parse_u64(optarg, &mmptr))
				return fx_cli_error("hash", "--mm '%s': expected an address", optarg);
			break;
		case 'a':
			shared_anon = true;
			break;
		case 'i':
			if (!fx_parse_u64(optarg, &inode) || !inode)
				return fx_cli_error("hash", "--inode '%s': expected a nonzero i_seq", optarg);
			break;
		case 'N':
			if (!fx_parse_u64(optarg, &v) || v > 1023)
				return fx_cli_error("hash", "--node '%s': expected a node number", optarg);
			node = (int64_t)v;
			break;
		case 'h':
			fputs(hash_usage, stdout);
			return 0;
		case FX_CLI_KNOB_PLACEMENT:
		case FX_CLI_KNOB_REFCOUNT:
		case FX_CLI_KNOB_LINES:
			if (fx_cli_knob("hash", c, optarg, &cfg))
				return 2;
			break;
		default:
			fputs(hash_usage, stderr);
			return 2;
		}
	}
	if (optind >= argc)
		return fx_cli_error("hash", "no address given (see --help)");
	if (cfg.nnodes > cfg.ncpus)
		return fx_cli_error("hash", "--nodes %u exceeds --cpus %u", cfg.nnodes, cfg.ncpus);
	if (node != FX_NO_NODE && node >= cfg.nnodes)
		return fx_cli_error("hash", "--node %lld: the machine has %u node(s)",
				    (long long)node, cfg.nnodes);
	if (shared_anon && inode)
		return fx_cli_error("hash", "--shared-anon and --inode are different key kinds; give one");
	for (int i = optind; i < argc; i++)
		if (!fx_parse_u64(argv[i], &v) || (v & 3) || v >= FX_TASK_SIZE)
			return fx_cli_error("hash", "address '%s': expected a 4-byte aligned user address below 0x%llx",
					    argv[i], (unsigned long long)FX_TASK_SIZE);

	core = fx_core_new(&cfg);
	if (!core)
		return fx_cli_error("hash", "cannot build the layout");
	t = fx_mm_new(core, 1);
	if (!t) {
		fx_core_free(core);
		return fx_cli_error("hash", "out of memory");
	}
	t->mm->kptr = mmptr;
	if (have_slots) {
		long r = core->layout_ops->prctl ?
			 core->layout_ops->prctl(core, core->layout, t->mm,
						 FX_PR_FUTEX_HASH_SET_SLOTS,
						 slots, 0) : -EINVAL;
		if (r < 0) {
			fx_core_free(core);
			return fx_cli_error("hash", "--slots: layout %s has no process-private hash",
					    core->layout_ops->name);
		}
	}
	printf("# hasher=%s layout=%s cpus=%u nodes=%u seed=%" PRIu64 "\n",
	       core->hasher->name, core->layout_ops->name, cfg.ncpus,
	       cfg.nnodes, cfg.seed);
	printf("# %-18s %-8s %-35s %-10s %-18s %5s %4s %s\n", "address", "kind",
	       "key words (u32, hashed)", "initval", "hash", "table", "node",
	       "bucket/size");
	for (int i = optind; i < argc; i++) {
		struct fx_hash_info info;
		union fx_key key;
		char words[64], table[16];
		const char *kind;
		size_t off = 0;

		fx_parse_u64(argv[i], &v);
		memset(&key, 0, sizeof(key));
		key.both.offset = (uint32_t)(v & (FX_PAGE_SIZE - 1));
		key.both.node = (uint32_t)node;
		if (inode) {
			key.both.offset |= FX_FUT_OFF_INODE;
			key.shared.i_seq = inode;
			key.shared.pgoff = v / FX_PAGE_SIZE;
			kind = "file";
		} else {
			key.private.mm = mmptr;
			key.private.address = v & FX_PAGE_MASK;
			if (shared_anon)
				key.both.offset |= FX_FUT_OFF_MMSHARED;
			kind = shared_anon ? "anon" : "private";
		}
		fx_hash(core, &key, t->mm, &info);
		for (unsigned w = 0; w < info.nwords; w++)
			off += (size_t)snprintf(words + off, sizeof(words) - off,
						"%s%08x", w ? " " : "", info.words[w]);
		if (info.table < 0)
			snprintf(table, sizeof(table), "priv");
		else
			snprintf(table, sizeof(table), "%d", info.table);
		printf("  0x%016" PRIx64 " %-8s %-35s 0x%08x 0x%016" PRIx64 " %5s %4d %u/%u\n",
		       v, kind, words, info.initval, info.hash, table,
		       info.node, info.bucket, info.table_size);
	}
	fx_core_free(core);
	return 0;
}
