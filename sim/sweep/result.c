// SPDX-License-Identifier: MIT
/*
 * result.c - a cell's result files in DIR/cells/ and whether they make
 * a complete cell: NNNNN.csv (committed last) that parses, and for a run
 * cell NNNNN.csv.json that parses; else NNNNN.err, a failure; else
 * missing.  Also the small whole-or-nothing file helpers of the sweep.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/tmpfile.h"
#include "lib/csv.h"
#include "sweep.h"

const char *fx_sweep_state_name(enum fx_sweep_state s)
{
	return s == FX_SWEEP_OK ? "ok" : s == FX_SWEEP_FAILED ? "failed" : "missing";
}

void fx_sweep_cell_path(char *buf, size_t len, const char *dir,
			unsigned long index, const char *suffix)
{
	snprintf(buf, len, "%s/cells/%05lu%s", dir, index, suffix);
}

char *fx_sweep_file_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t r;

		if (cap - n < 4096) {
			char *nb = realloc(buf, cap ? 2 * cap : 8192);

			if (!nb) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
			cap = cap ? 2 * cap : 8192;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		int e = errno;

		free(buf);
		fclose(f);
		errno = e ? e : EIO;
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

int fx_sweep_file_write(const char *path, const void *data, size_t len)
{
	size_t plen = strlen(path) + 16;
	char *tmp = malloc(plen);
	int fd, e;

	if (!tmp)
		return -ENOMEM;
	snprintf(tmp, plen, "%s.tmpXXXXXX", path);
	fd = fx_mkstemp(tmp);
	if (fd < 0) {
		e = errno;
		free(tmp);
		return -e;
	}
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, (const char *)data + off, len - off);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += (size_t)w;
	}
	if (fsync(fd) || close(fd)) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path)) {
		fd = -1;
		goto fail;
	}
	free(tmp);
	return 0;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -e;
}

int fx_sweep_mkdirs(const char *path)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0777) && errno != EEXIST)
		return -errno;
	return 0;
}

/* '#' lines, a header, exactly one row with as many fields */
static bool csv_ok(const char *path)
{
	char *text = fx_sweep_file_read(path, NULL), *line, *next;
	char *f[512];
	int nhdr = -1, rows = 0;
	bool ok = true;

	if (!text)
		return false;
	for (line = text; *line && ok; line = next) {
		int n;

		next = strchr(line, '\n');
		if (!next) {
			ok = false;	/* a file cut short */
			break;
		}
		*next++ = '\0';
		if (nhdr < 0 && *line == '#')
			continue;
		n = fx_csv_split(line, f, 512);
		if (n <= 0)
			ok = false;
		else if (nhdr < 0)
			nhdr = n;
		else if (n != nhdr)
			ok = false;
		else
			rows++;
	}
	free(text);
	return ok && rows == 1;
}

/* the run sidecar: {"futexsim":"run",...,"configs":[\n{...}\n]}\n */
static bool json_ok(const char *path)
{
	size_t len;
	char *text = fx_sweep_file_read(path, &len);
	bool ok;

	if (!text)
		return false;
	ok = !strncmp(text, "{\"futexsim\":\"run\"", 17) &&
	     strstr(text, "\"configs\":[\n{") && len > 5 &&
	     !strcmp(text + len - 4, "\n]}\n");
	free(text);
	return ok;
}

enum fx_sweep_state fx_sweep_cell_state(const char *dir, unsigned long index,
					enum fx_sweep_mode mode)
{
	char p[4096];

	fx_sweep_cell_path(p, sizeof(p), dir, index, ".csv");
	if (csv_ok(p)) {
		if (mode == FX_SWEEP_REPLAY)
			return FX_SWEEP_OK;
		fx_sweep_cell_path(p, sizeof(p), dir, index, ".csv.json");
		if (json_ok(p))
			return FX_SWEEP_OK;
	}
	fx_sweep_cell_path(p, sizeof(p), dir, index, ".err");
	return access(p, F_OK) ? FX_SWEEP_MISSING : FX_SWEEP_FAILED;
}

/*
 * NNNNN.err: "# command: ...", "# status: ...", then the command's
 * stderr; the error is its first non-empty line, else the status.
 */
void fx_sweep_cell_error(const char *dir, unsigned long index, char *buf,
			 size_t len)
{
	char p[4096], *text, *line, *next, *status = NULL;

	buf[0] = '\0';
	fx_sweep_cell_path(p, sizeof(p), dir, index, ".err");
	text = fx_sweep_file_read(p, NULL);
	if (!text)
		return;
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!strncmp(line, "# status: ", 10)) {
			status = line + 10;
			continue;
		}
		if (!strncmp(line, "# command: ", 11) || !*line)
			continue;
		snprintf(buf, len, "%s", line);
		break;
	}
	if (!buf[0] && status)
		snprintf(buf, len, "%s", status);
	for (char *q = buf; *q; q++)
		if (*q == '\t' || *q == '\r')
			*q = ' ';
	free(text);
}

unsigned long fx_sweep_todo(const struct fx_sweep_grid *g, const char *dir,
			    unsigned part_i, unsigned part_n, bool retry,
			    unsigned long *todo)
{
	unsigned long n = 0;

	for (unsigned long i = 0; i < g->ncells; i++) {
		struct fx_sweep_cell c;
		enum fx_sweep_state st;

		if (part_n && i % part_n != part_i)
			continue;
		fx_sweep_cell(g, i, &c);
		st = fx_sweep_cell_state(dir, i, c.sec->mode);
		if (st == FX_SWEEP_MISSING || (st == FX_SWEEP_FAILED && retry))
			todo[n++] = i;
	}
	return n;
}
