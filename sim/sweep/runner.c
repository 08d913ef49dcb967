// SPDX-License-Identifier: MIT
/*
 * runner.c - the cells of a sweep through GNU parallel, with progress.
 *
 *   TODO file (one index a line) --> parallel -j N --joblog +DIR/joblog
 *       -a TODO BIN sweep GRID -o DIR --cell {}
 *   each job prints "K <tab> ok|failed <tab> SECONDS [<tab> ERROR]"
 *       --> parallel's stdout (grouped per job) --> a pipe read here
 *       --> a progress line per finished cell (or one updating line on a
 *           terminal), each failure as it happens
 *
 * ETA = mean time of the finished cells x cells left / -j.  A failed
 * cell does not stop the others (--halt never).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sweep.h"

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int fail(char *err, size_t errlen, const char *what)
{
	int e = errno ? errno : EIO;

	snprintf(err, errlen, "%s: %s", what, strerror(e));
	return -e;
}

static bool parse_index(const char *s, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && !*end;
}

static void fmt_dur(char *buf, size_t len, double s)
{
	if (s < 60)
		snprintf(buf, len, "%.0fs", s);
	else if (s < 3600)
		snprintf(buf, len, "%ldm%02lds", (long)s / 60, (long)s % 60);
	else
		snprintf(buf, len, "%ldh%02ldm", (long)s / 3600, (long)s % 3600 / 60);
}

int fx_sweep_run_parallel(const struct fx_sweep_grid *g,
			  const struct fx_sweep_run_opts *o,
			  const unsigned long *todo, unsigned long n,
			  FILE *progress, char *err, size_t errlen)
{
	char todo_path[PATH_MAX + 32], joblog[PATH_MAX + 16], jobs[32];
	const char *argv[40];
	int argc = 0, pfd[2], status = 0, fd, ret;
	unsigned long done = 0, failed = 0;
	double t0 = now_sec(), cell_sum = 0;
	unsigned par = o->jobs;
	bool tty = isatty(fileno(progress)) && !o->quiet;
	char line[4096];
	FILE *in, *tf;
	pid_t pid;

	if (!par) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);

		par = c > 0 ? (unsigned)c : 1;
	}
	snprintf(todo_path, sizeof(todo_path), "%s/todo.XXXXXX", o->dir);
	fd = mkstemp(todo_path);
	if (fd < 0 || !(tf = fdopen(fd, "w")))
		return fail(err, errlen, todo_path);
	for (unsigned long j = 0; j < n; j++)
		fprintf(tf, "%lu\n", todo[j]);
	if (fclose(tf)) {
		ret = fail(err, errlen, todo_path);
		unlink(todo_path);
		return ret;
	}
	snprintf(joblog, sizeof(joblog), "+%s/joblog", o->dir);
	snprintf(jobs, sizeof(jobs), "%u", par);
	argv[argc++] = "parallel";
	argv[argc++] = "--will-cite";
	argv[argc++] = "--quote";
	argv[argc++] = "--halt";
	argv[argc++] = "never";
	argv[argc++] = "-j";
	argv[argc++] = jobs;
	argv[argc++] = "--joblog";
	argv[argc++] = joblog;
	if (o->sshlogin) {
		argv[argc++] = "--sshloginfile";
		argv[argc++] = o->sshlogin;
	}
	argv[argc++] = "-a";
	argv[argc++] = todo_path;
	argv[argc++] = o->bin;
	argv[argc++] = "sweep";
	argv[argc++] = o->grid;
	argv[argc++] = "-o";
	argv[argc++] = o->dir;
	argv[argc++] = "--cell";
	argv[argc++] = "{}";
	if (o->retry)
		argv[argc++] = "--retry-failed";
	argv[argc] = NULL;

	if (pipe(pfd)) {
		ret = fail(err, errlen, "pipe");
		unlink(todo_path);
		return ret;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		ret = fail(err, errlen, "fork");
		close(pfd[0]);
		close(pfd[1]);
		unlink(todo_path);
		return ret;
	}
	if (!pid) {
		close(pfd[0]);
		if (dup2(pfd[1], 1) < 0)
			_exit(126);
		execvp("parallel", (char **)argv);
		dprintf(2, "futexsim sweep: cannot run GNU parallel: %s\n", strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	in = fdopen(pfd[0], "r");
	while (in && fgets(line, sizeof(line), in)) {
		char *f[4] = { 0 }, *save = NULL, *nl = strchr(line, '\n');
		unsigned nf = 0;
		uint64_t k;
		double secs, el, eta;
		char a[32], b[32];

		if (nl)
			*nl = '\0';
		for (char *t = strtok_r(line, "\t", &save); t && nf < 4;
		     t = strtok_r(NULL, nf >= 3 ? "" : "\t", &save))
			f[nf++] = t;
		if (nf < 3 || !parse_index(f[0], &k))
			continue;	/* not a status line */
		secs = strtod(f[2], NULL);
		done++;
		cell_sum += secs;
		el = now_sec() - t0;
		eta = cell_sum / (double)done * (double)(n - done) / par;
		fmt_dur(a, sizeof(a), el);
		fmt_dur(b, sizeof(b), eta);
		if (strcmp(f[1], "ok")) {
			struct fx_sweep_cell c;
			char cfg[2048];

			failed++;
			fx_sweep_cell(g, k, &c);
			fx_sweep_cell_config(&c, cfg, sizeof(cfg));
			fprintf(progress, "%sfutexsim sweep: cell %" PRIu64 " failed (%s): %s\n",
				tty ? "\r\033[K" : "", k, cfg, f[3] ? f[3] : f[1]);
		}
		if (o->quiet)
			continue;
		if (tty)
			fprintf(progress, "\r\033[K[%lu/%lu] failed %lu, elapsed %s, ETA %s",
				done, n, failed, a, b);
		else
			fprintf(progress, "futexsim sweep: [%lu/%lu] cell %" PRIu64 " %s %.2fs; failed %lu, elapsed %s, ETA %s\n",
				done, n, k, f[1], secs, failed, a, b);
	}
	if (tty)
		fputc('\n', progress);
	if (in)
		fclose(in);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			break;
	unlink(todo_path);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !done) {
		snprintf(err, errlen, "GNU parallel did not run (Debian: apt-get install parallel)");
		return -ENOENT;
	}
	return 0;
}

