# csv.awk - CSV of futexsim's result files (RFC 4180 quoting) for the
# awk programs of scripts/plot.sh and scripts/report.sh, which prepend it.
# csvsplit(s, F): split line s into F[1..n]; returns n, or -1 when a
# quote is not closed.
function csvsplit(s, F,    n, i, c, fld, q, len) {
	if (index(s, "\"") == 0)
		return split(s, F, ",")
	n = 0; fld = ""; q = 0; len = length(s)
	for (i = 1; i <= len; i++) {
		c = substr(s, i, 1)
		if (q) {
			if (c != "\"")
				fld = fld c
			else if (substr(s, i + 1, 1) == "\"") {
				fld = fld "\""; i++
			} else
				q = 0
		} else if (c == "\"")
			q = 1
		else if (c == ",") {
			F[++n] = fld; fld = ""
		} else
			fld = fld c
	}
	F[++n] = fld
	return q ? -1 : n
}
