/* The tap listeners of the -z reports: one per tap (ip, ipv6, tcp, udp,
 * frame) for every report with the same display filter, each handing its
 * tap records to the reports that read that tap.
 *
 * One listener per report and tap was the dearer way: Wireshark walks its
 * whole listener list for each tapped header of every frame, and again on
 * each have_tap_listener() a dissector asks for a tap nobody listens on;
 * with the four reports on, those walks cost as much as two reports' own
 * work. A display filter is also applied once per header, not per report. */
#ifndef PKTAN_REPORT_TAPS_H
#define PKTAN_REPORT_TAPS_H

#include <epan/tap.h>

#include "dialog_taps.h"
#include "frame_record.h"
#include "handshake.h"
#include "report_args.h"
#include "reports.h"

/* The taps, pktan_tap's four and the frame's, which Wireshark queues after
 * every other tap of the frame. */
enum { PKTAN_TAP_FRAME = PKTAN_TAP_COUNT, PKTAN_REPORT_TAPS };

#define PKTAN_TAP_BIT(tap) (1u << (tap))

/* A tap record of one of the report's taps (data: the tap's record, NULL
 * for the frame). */
typedef void (*pktan_report_packet_fn)(void *report, int tap, packet_info *pinfo,
                                       const void *data);

typedef struct {
    guint taps;           /* PKTAN_TAP_BIT of each tap read */
    gboolean quoted;      /* ip and ipv6 also give the headers ICMP errors quote */
    pktan_report_packet_fn packet;
    pktan_report_frame_fn frame; /* required with taps: frame_record.h */
    tap_reset_cb reset;   /* each given the report */
    tap_draw_cb draw;
    tap_finish_cb finish; /* when Wireshark frees the listeners: frees the report */
    pktan_report_prefetch_fn prefetch; /* optional, with frame */
} pktan_report_reader;

/* Subscribes report to its taps with the output's display filter (already
 * checked); a listener Wireshark refuses ends the run through pktan_fail().
 * Reports are drawn in the reverse of the order they subscribed, as
 * separate listeners were. */
void pktan_report_listen(const pktan_report_output *output, void *report,
                         const pktan_report_reader *reader);

/* The handshake tracker of the reports with the output's filter and
 * watcher (rtt and conn share it rather than each tracking every
 * connection): fed each TCP header before the tcp tap's readers, reset
 * with them, freed after them. */
pktan_handshakes *pktan_report_handshakes(const pktan_report_output *output);

/* Draws the watcher's reports now (after a retap, which draws nothing). */
void pktan_report_redraw(const pktan_report_watcher *watcher);

/* Removes the watcher's listeners; Wireshark's finish frees its reports. */
void pktan_report_unlisten(const pktan_report_watcher *watcher);

#endif
