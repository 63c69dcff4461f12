/* The shared console's multiplexing rules (see include/triad/console_mux.h). */
#include <string.h>
#include <triad/console_mux.h>

void mux_init(struct console_mux *m, unsigned nvms)
{
	memset(m, 0, sizeof(*m));
	m->nvms = nvms;
	m->tag = nvms > 1;
	m->at_line_start = true;
	m->last_vm = -1;
}

void mux_set_vms(struct console_mux *m, unsigned nvms)
{
	m->nvms = nvms;
	if (m->focus >= nvms)
		m->focus = 0;
	if (m->tag || nvms < 2)
		return; /* once tagged, a VM's lines keep their tags while VMs come and go */
	m->tag = true;
	/* A line begun untagged is cut here: its rest comes as "name+ ", never glued to
	 * another writer's line. */
	if (!m->at_line_start && m->last_vm >= 0) {
		m->broken[m->last_vm] = true;
		m->last_vm = -1;
	}
}

size_t mux_guest_output(struct console_mux *m, unsigned vm, const char *name, const char *second,
			char c, char *out)
{
	size_t n = 0;
	int w = (int)(2 * vm + (second != NULL));
	/* Lines are cut and tagged when writers can mix: several VMs, or a VM's second
	 * console (its own lines, or another's line it cuts). */
	bool tagged = m->tag || second;
	if (m->last_vm != w && !m->at_line_start &&
	    (tagged || (m->last_vm >= 0 && (m->last_vm & 1)))) {
		out[n++] = '\r';
		out[n++] = '\n';
		m->at_line_start = true;
		if (m->last_vm >= 0)
			m->broken[m->last_vm] = true;
	}
	if (tagged && m->at_line_start) {
		for (size_t i = 0; i < 31 && name[i]; i++)
			out[n++] = name[i];
		if (second) {
			out[n++] = ':';
			for (size_t i = 0; i < 7 && second[i]; i++)
				out[n++] = second[i];
		}
		/* "name+ " continues a line of that writer that another's output cut. */
		out[n++] = m->broken[w] ? '+' : '|';
		out[n++] = ' ';
	}
	if (m->at_line_start)
		m->broken[w] = false;
	out[n++] = c;
	m->at_line_start = c == '\n';
	m->last_vm = w;
	return n;
}

enum mux_action mux_input(struct console_mux *m, char *c)
{
	if (!m->escape) {
		if (*c == MUX_ESCAPE && m->nvms > 1) {
			m->escape = true;
			return MUX_NONE;
		}
		return MUX_DELIVER;
	}
	m->escape = false;
	if (*c == MUX_ESCAPE)
		return MUX_DELIVER;
	if (*c >= '1' && *c <= '9' && (unsigned)(*c - '1') < m->nvms) {
		m->focus = (unsigned)(*c - '1');
		return MUX_FOCUS;
	}
	if (*c == 'n') {
		m->focus = (m->focus + 1) % m->nvms;
		return MUX_FOCUS;
	}
	if (*c == '?' || *c == 'h')
		return MUX_HELP;
	if (*c == 's')
		return MUX_STATS;
	return MUX_NONE;
}
