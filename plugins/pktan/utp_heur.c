#include "utp_heur.h"

#include <wireshark.h>
#include <epan/conversation.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>

#include "compat.h"
#include "epan_glue.h"
#include "utp.h"

/* Proto-data key of a frame in a confirmed uTP flow (key 0 is marks'). */
enum { UTP_FRAME_KEY = 1 };

static int proto = -1;
static int proto_bt_utp = -1;
static int proto_data = -1;

/* Per UDP conversation, for as long as the file is open. */
typedef struct {
    pktan_addr first_src;
    guint16 first_port;
    pktan_utp_flow flow;
} utp_conversation;

static int direction(utp_conversation *c, packet_info *pinfo)
{
    pktan_addr src;

    pktan_addr_from_address(&pinfo->src, &src);
    return pktan_addr_equal(&src, &c->first_src) && pinfo->srcport == c->first_port ? 0 : 1;
}

static pktan_heur_result watch_udp(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree _U_,
                                   void *data _U_)
{
    guint16 id;
    conversation_t *conv;
    utp_conversation *c;
    gsize len = tvb_captured_length(tvb);

    if (len < PKTAN_UTP_HEADER_LEN || pinfo->flags.in_error_pkt ||
        !pktan_utp_header(tvb_get_ptr(tvb, 0, (gint)len), len, &id))
        return FALSE;
    conv = find_or_create_conversation(pinfo);
    c = conversation_get_proto_data(conv, proto);
    if (c == NULL) {
        c = wmem_new0(wmem_file_scope(), utp_conversation);
        pktan_addr_from_address(&pinfo->src, &c->first_src);
        c->first_port = (guint16)pinfo->srcport;
        conversation_add_proto_data(conv, proto, c);
    }
    if (pktan_utp_flow_add(&c->flow, direction(c, pinfo), id) &&
        p_get_proto_data(wmem_file_scope(), pinfo, proto, UTP_FRAME_KEY) == NULL)
        p_add_proto_data(wmem_file_scope(), pinfo, proto, UTP_FRAME_KEY, GINT_TO_POINTER(1));
    return FALSE;
}

int pktan_utp_layer(packet_info *pinfo, int layer)
{
    if (layer != proto_data || proto_bt_utp < 0)
        return layer;
    return p_get_proto_data(wmem_file_scope(), pinfo, proto, UTP_FRAME_KEY) ? proto_bt_utp : layer;
}

int pktan_utp_replaced_layer(void)
{
    return proto_bt_utp < 0 ? -1 : proto_data;
}

void pktan_utp_register(int proto_pktan)
{
    proto = proto_pktan;
}

void pktan_utp_handoff(void)
{
    proto_bt_utp = proto_get_id_by_filter_name("bt-utp");
    proto_data = proto_get_id_by_filter_name("data");
    heur_dissector_add("udp", watch_udp, "uTP watcher for PktAn Unexpected Protocols",
                       "pktan_utp_udp", proto, HEURISTIC_ENABLE);
}
