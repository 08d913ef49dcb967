/* SPDX-License-Identifier: MIT */
/*
 * tmpfile.h - the temporary file behind a whole-or-nothing output.
 *
 * mkstemp() creates files readable by their owner only (0600); an output
 * that is renamed into place must end with the permissions any new file
 * gets (0666 less the umask), as if it had been opened directly.
 */
#ifndef FX_LIB_TMPFILE_H
#define FX_LIB_TMPFILE_H

#include <stdlib.h>
#include <sys/stat.h>

/* fx_mkstemp - mkstemp(@tmpl), then the permissions of a plain new file */
static inline int fx_mkstemp(char *tmpl)
{
	int fd = mkstemp(tmpl);
	mode_t um;

	if (fd < 0)
		return fd;
	um = umask(0);
	umask(um);
	(void)fchmod(fd, 0666 & ~um);
	return fd;
}

#endif /* FX_LIB_TMPFILE_H */
