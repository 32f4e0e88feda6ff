/* tshark's -z pktan,... entry points. */
#ifndef PKTAN_CLI_H
#define PKTAN_CLI_H

/* Registers the -z prefixes; runs from Wireshark's tap registration, before
 * tshark reads its -z arguments. */
void pktan_cli_register(void);

#endif
