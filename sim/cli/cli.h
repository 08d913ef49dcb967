/* SPDX-License-Identifier: MIT */
/* cli.h - the futexsim subcommands and the helpers they share. */
#ifndef FX_CLI_H
#define FX_CLI_H

#include <stdbool.h>
#include <stdint.h>

/* Every subcommand: {name, summary, entry}, listed once. */
#define FX_CLI_COMMANDS(X)						\
	X(list, "list hashers and layouts (--hashers, --layouts, -v)")	\
	X(hash, "show the key, hash, table, node and bucket of addresses") \
	X(collide, "collision metrics of key sets and op streams (docs/metrics.md)") \
	X(quality, "SMHasher-style tests of the hashers on futex keys")	\
	X(conform, "run conformance scenarios on the live kernel and the model")

#define FX_CLI_DECLARE(n, s) int fx_cli_##n(int argc, char **argv);
FX_CLI_COMMANDS(FX_CLI_DECLARE)
#undef FX_CLI_DECLARE

int fx_conform_main(int argc, char **argv);

/* fx_cli_error - print "futexsim CMD: message" to stderr; returns 2 */
int fx_cli_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* fx_parse_u64 - strict number (decimal, 0x hex); false on junk/overflow */
bool fx_parse_u64(const char *s, uint64_t *out);

#endif /* FX_CLI_H */
