// SPDX-License-Identifier: MIT
/* cmd_conform.c - "futexsim conform": see sim/conform/conform.c. */
#include "cli.h"

int fx_cli_conform(int argc, char **argv)
{
	return fx_conform_main(argc, argv);
}
