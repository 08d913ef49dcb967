// SPDX-License-Identifier: MIT
/*
 * traces.c - bundled traces for replay cells: workloads/traces/NAME/
 * NAME.strace.xz is imported once per sweep into DIR/traces/NAME.fxt
 * (binary, program NAME), the way scripts/traces.sh imports it, and its
 * NAME.meta gives the recording host's cpus and nodes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sweep.h"

int fx_sweep_trace_meta(const char *traces, const char *name,
			unsigned *cpus, unsigned *nodes)
{
	char path[PATH_MAX], line[512];
	FILE *f;

	*cpus = *nodes = 0;
	snprintf(path, sizeof(path), "%s/%s/%s.meta", traces, name, name);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		unsigned v;
		char c;

		if (sscanf(line, "cpus: %u%c", &v, &c) == 2 && c == '\n' && v)
			*cpus = v;
		else if (sscanf(line, "nodes: %u%c", &v, &c) == 2 && c == '\n' && v)
			*nodes = v;
	}
	fclose(f);
	return 0;
}

static const char import_sh[] =
	"set -e\n"
	"t=$(mktemp \"${TMPDIR:-/tmp}/fxsweep.XXXXXX\")\n"
	"trap 'rm -f \"$t\"' EXIT\n"
	"xz -dc \"$1\" >\"$t\"\n"
	"\"$2\" trace import --from strace \"$t\" -o \"$3\" --binary --program \"$4\" >/dev/null\n";

int fx_sweep_trace_import(const struct fx_sweep_grid *g, const char *name,
			  const char *bin, const char *dir, char *err,
			  size_t errlen)
{
	char src[PATH_MAX], dst[PATH_MAX], log[PATH_MAX];
	char *argv[] = { (char *)"sh", (char *)"-c", (char *)import_sh,
			 (char *)"sh", src, (char *)bin, dst, (char *)name, NULL };
	int status, fd, ret;
	pid_t pid;

	snprintf(dst, sizeof(dst), "%s/traces/%s.fxt", dir, name);
	if (!access(dst, R_OK))
		return 0;
	snprintf(src, sizeof(src), "%s/traces", dir);
	if ((ret = fx_sweep_mkdirs(src))) {
		snprintf(err, errlen, "%s: %s", src, strerror(-ret));
		return ret;
	}
	snprintf(src, sizeof(src), "%s/%s/%s.strace.xz", g->traces, name, name);
	snprintf(log, sizeof(log), "%s/traces/%s.import.XXXXXX", dir, name);
	fd = mkstemp(log);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", log, strerror(errno));
		return ret;
	}
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(fd);
		unlink(log);
		snprintf(err, errlen, "fork: %s", strerror(-ret));
		return ret;
	}
	if (!pid) {
		int null = open("/dev/null", O_RDONLY);

		if (null < 0 || dup2(null, 0) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execv("/bin/sh", argv);
		_exit(127);
	}
	close(fd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = -1;
			break;
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status) || access(dst, R_OK)) {
		char *text = fx_sweep_file_read(log, NULL), *nl;

		if (text && (nl = strchr(text, '\n')))
			*nl = '\0';
		snprintf(err, errlen, "trace '%s': importing %s failed: %s", name, src,
			 text && *text ? text : "no message");
		free(text);
		unlink(log);
		return -EIO;
	}
	unlink(log);
	return 0;
}
