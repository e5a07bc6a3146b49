/* display.c: what the display backends share. */
#include "display.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../fw/log.h"

void display_note(struct displays *ds, const char *fmt, ...)
{
	char msg[sizeof ds->error];
	size_t used = strlen(ds->error);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_warn("display %s: %s", ds->ops ? ds->ops->name : "", msg);
	/* Earlier problems stay first; what does not fit is cut. */
	snprintf(ds->error + used, sizeof ds->error - used, "%s%s", used ? "; " : "", msg);
}

void display_damage(struct display *d, int x, int y, int w, int h)
{
	if (!d->partial) {
		/* Both buffers start wholly damaged: they hold older frames. */
		damage_bufs_init(&d->damage, 2, d->fb.w, d->fb.h);
		d->partial = 1;
	}
	damage_bufs_add(&d->damage, x, y, w, h);
}
