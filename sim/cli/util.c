// SPDX-License-Identifier: MIT
/* util.c - small helpers shared by the subcommands. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <string.h>
#include <unistd.h>

#include "lib/tmpfile.h"
#include "cli.h"
#include "futex.h"

int fx_cli_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "futexsim %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 2;
}

bool fx_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

int fx_cli_knob(const char *cmd, int opt, const char *arg,
		struct fx_core_config *cfg)
{
	switch (opt) {
	case FX_CLI_KNOB_PLACEMENT:
		if (!strcmp(arg, "interleave"))
			cfg->placement = FX_PLACE_INTERLEAVE;
		else if (!strcmp(arg, "node0"))
			cfg->placement = FX_PLACE_NODE0;
		else
			return fx_cli_error(cmd, "--placement '%s': expected interleave or node0", arg);
		return 0;
	case FX_CLI_KNOB_REFCOUNT:
		if (!strcmp(arg, "percpu"))
			cfg->refcount = FX_REF_PERCPU;
		else if (!strcmp(arg, "atomic"))
			cfg->refcount = FX_REF_ATOMIC;
		else
			return fx_cli_error(cmd, "--refcount '%s': expected percpu or atomic", arg);
		return 0;
	case FX_CLI_KNOB_LINES:
		if (!strcmp(arg, "1"))
			cfg->bucket_lines = 1;
		else if (!strcmp(arg, "2"))
			cfg->bucket_lines = 2;
		else
			return fx_cli_error(cmd, "--bucket-lines '%s': expected 1 or 2", arg);
		return 0;
	default:
		return fx_cli_error(cmd, "internal: unknown knob %d", opt);
	}
}

int fx_cli_tmpfile(const char *cmd, const char *path, char **tmp, FILE **f)
{
	size_t len = strlen(path) + 16;
	int fd;

	*tmp = malloc(len);
	if (!*tmp)
		return fx_cli_error(cmd, "out of memory");
	snprintf(*tmp, len, "%s.tmpXXXXXX", path);
	fd = fx_mkstemp(*tmp);
	if (fd < 0) {
		int e = errno;

		free(*tmp);
		*tmp = NULL;
		return fx_cli_error(cmd, "'%s': cannot create a file beside it: %s",
				    path, strerror(e));
	}
	*f = fdopen(fd, "w");
	if (!*f) {
		int e = errno;

		close(fd);
		unlink(*tmp);
		free(*tmp);
		*tmp = NULL;
		return fx_cli_error(cmd, "'%s': %s", path, strerror(e));
	}
	return 0;
}

int fx_cli_tmpfile_close(const char *cmd, const char *path, char *tmp,
			 FILE *f)
{
	if (fflush(f) || ferror(f) || fsync(fileno(f))) {
		int e = errno;

		fclose(f);
		unlink(tmp);
		free(tmp);
		return fx_cli_error(cmd, "'%s': write failed: %s", path,
				    strerror(e));
	}
	if (fclose(f)) {
		int e = errno;

		unlink(tmp);
		free(tmp);
		return fx_cli_error(cmd, "'%s': write failed: %s", path,
				    strerror(e));
	}
	return 0;
}

int fx_cli_tmpfile_commit(const char *cmd, const char *path, char *tmp)
{
	if (rename(tmp, path)) {
		int e = errno;

		unlink(tmp);
		free(tmp);
		return fx_cli_error(cmd, "'%s': %s", path, strerror(e));
	}
	free(tmp);
	return 0;
}
