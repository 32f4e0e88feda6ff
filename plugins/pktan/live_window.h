/* Tools > PktAn > REPORT (live): each -z report as text in a window that
 * follows a live capture. */
#ifndef PKTAN_LIVE_WINDOW_H
#define PKTAN_LIVE_WINDOW_H

/* Registers the menu entries; runs before Wireshark builds its menus. */
void pktan_live_windows_register(void);

#endif
