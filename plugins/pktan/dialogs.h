/* Statistics > PktAn dialogs (Wireshark's stats-tree dialogs). */
#ifndef PKTAN_DIALOGS_H
#define PKTAN_DIALOGS_H

void pktan_dests_dialog_register(void);
void pktan_rtt_dialog_register(void);
void pktan_conn_dialog_register(void);
void pktan_unexpected_dialog_register(void);

#endif
