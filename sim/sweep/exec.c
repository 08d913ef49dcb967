// SPDX-License-Identifier: MIT
/*
 * exec.c - run one cell: its command (futexsim run or futexsim trace
 * replay) as a child process with stdout discarded and stderr captured,
 * then commit: the .part outputs are renamed into place, NNNNN.csv last,
 * so a cell whose CSV exists is whole; a failure leaves NNNNN.err (the
 * command line, its exit status, its stderr) and no output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sweep.h"

/* spawn @argv in @cwd, stderr to @errpath; the wait status or -errno */
static int spawn(char **argv, const char *cwd, const char *errpath)
{
	int fd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	int status, e;
	pid_t pid;

	if (fd < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		e = errno;
		close(fd);
		return -e;
	}
	if (!pid) {
		int null = open("/dev/null", O_RDWR);

		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
		    dup2(fd, 2) < 0 || chdir(cwd))
			_exit(126);
		execv(argv[0], argv);
		dprintf(2, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return status;
}

static void join(char *buf, size_t len, const char *dir, const char *cwd,
		 const char *rel)
{
	snprintf(buf, len, "%s/%s/%s", dir, cwd, rel);
}

int fx_sweep_cell_exec(const struct fx_sweep_grid *g,
		       const struct fx_sweep_cell *c, const char *bin,
		       const char *dir, char *errline, size_t errlen)
{
	struct fx_sweep_cmd cmd;
	char errpath[4096], p[4096], q[4096], status[128] = "";
	char *log = NULL, *report = NULL;
	size_t loglen = 0, replen = 0;
	FILE *rf;
	int st, ret;

	errline[0] = '\0';
	snprintf(p, sizeof(p), "%s/cells", dir);
	if ((ret = fx_sweep_mkdirs(p)))
		return ret;
	snprintf(p, sizeof(p), "%s/traces", dir);
	if ((ret = fx_sweep_mkdirs(p)))
		return ret;
	if ((ret = fx_sweep_cell_cmd(g, c, bin, &cmd)))
		return ret;
	for (unsigned i = 0; i < cmd.nout; i++) {
		join(p, sizeof(p), dir, cmd.cwd, cmd.outs[i]);
		unlink(p);
	}
	fx_sweep_cell_path(errpath, sizeof(errpath), dir, c->index, ".part.stderr");
	join(p, sizeof(p), dir, cmd.cwd, "");
	st = spawn(cmd.argv, p, errpath);
	if (st < 0) {
		fx_sweep_cmd_free(&cmd);
		unlink(errpath);
		return st;
	}
	if (WIFEXITED(st) && !WEXITSTATUS(st)) {
		/* commit: the sidecar/series first, the CSV last */
		for (unsigned i = cmd.nout; i-- > 0;) {
			join(p, sizeof(p), dir, cmd.cwd, cmd.outs[i]);
			snprintf(q, sizeof(q), "%s/%s", dir, cmd.final[i]);
			if (rename(p, q)) {
				snprintf(status, sizeof(status), "exit status 0, but %s: %s",
					 cmd.final[i], strerror(errno));
				break;
			}
		}
		if (!status[0] && fx_sweep_cell_state(dir, c->index, c->sec->mode) != FX_SWEEP_OK)
			snprintf(status, sizeof(status), "exit status 0, but the output does not parse");
		if (!status[0]) {
			fx_sweep_cell_path(p, sizeof(p), dir, c->index, ".err");
			unlink(p);
			unlink(errpath);
			fx_sweep_cmd_free(&cmd);
			return 0;
		}
	} else if (WIFEXITED(st)) {
		snprintf(status, sizeof(status), "exit status %d", WEXITSTATUS(st));
	} else if (WIFSIGNALED(st)) {
		snprintf(status, sizeof(status), "killed by signal %d", WTERMSIG(st));
	} else {
		snprintf(status, sizeof(status), "wait status %d", st);
	}
	/* failed: no output, NNNNN.err */
	for (unsigned i = 0; i < cmd.nout; i++) {
		join(p, sizeof(p), dir, cmd.cwd, cmd.outs[i]);
		unlink(p);
		snprintf(p, sizeof(p), "%s/%s", dir, cmd.final[i]);
		unlink(p);
	}
	log = fx_sweep_file_read(errpath, &loglen);
	rf = open_memstream(&report, &replen);
	if (!rf) {
		free(log);
		fx_sweep_cmd_free(&cmd);
		return -ENOMEM;
	}
	fputs("# command: ", rf);
	fx_sweep_cmd_print(rf, dir, &cmd);
	fprintf(rf, "\n# status: %s\n", status);
	if (log)
		fwrite(log, 1, loglen, rf);
	fclose(rf);
	fx_sweep_cell_path(p, sizeof(p), dir, c->index, ".err");
	ret = fx_sweep_file_write(p, report, replen);
	free(report);
	free(log);
	unlink(errpath);
	fx_sweep_cmd_free(&cmd);
	if (ret)
		return ret;
	fx_sweep_cell_error(dir, c->index, errline, errlen);
	return 1;
}
