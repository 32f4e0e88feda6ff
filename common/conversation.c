#include "conversation.h"

guint8 pktan_conversation_key_make(pktan_conversation_key *key, guint8 transport,
                                   const pktan_addr *src, guint16 src_port,
                                   const pktan_addr *dst, guint16 dst_port, guint32 stream)
{
    gboolean src_is_hi = pktan_flow_key_make(&key->flow, transport, src, src_port, dst, dst_port);

    key->stream = stream;
    return src_is_hi ? PKTAN_SIDE_HI : PKTAN_SIDE_LO;
}

pktan_streams pktan_conversation_streams(const pktan_conversation_key *key)
{
    return pktan_streams_of_transport(key->flow.transport);
}

pktan_streams pktan_streams_of_transport(guint8 transport)
{
    switch (transport) {
    case PKTAN_IPPROTO_TCP:
        return PKTAN_STREAMS_TCP;
    case PKTAN_IPPROTO_UDP:
        return PKTAN_STREAMS_UDP;
    default:
        return PKTAN_STREAMS_NONE;
    }
}

void pktan_server_sides_init(pktan_server_sides *s, gboolean has_port, guint8 src_side)
{
    s->has_port = has_port ? 1 : 0;
    s->server_side = PKTAN_SIDE_UNKNOWN;
    s->first_dst_side = pktan_other_side(src_side);
}

void pktan_server_sides_hint(pktan_server_sides *s, guint8 src_side, pktan_server_hint hint)
{
    if (hint == PKTAN_SERVER_HINT_DST)
        s->server_side = pktan_other_side(src_side);
    else if (hint == PKTAN_SERVER_HINT_SRC)
        s->server_side = src_side;
}

guint8 pktan_server_side(const pktan_server_sides *s, const pktan_conversation_key *key)
{
    if (s->server_side != PKTAN_SIDE_UNKNOWN)
        return s->server_side;
    if (s->has_port && key->flow.lo_port != key->flow.hi_port)
        return key->flow.lo_port < key->flow.hi_port ? PKTAN_SIDE_LO : PKTAN_SIDE_HI;
    return s->first_dst_side;
}

void pktan_conversation_ends_of(const pktan_conversation_key *key, guint8 server_side,
                                const pktan_addr **client, guint16 *client_port,
                                const pktan_addr **server, guint16 *server_port)
{
    gboolean lo = server_side == PKTAN_SIDE_LO;

    *server = lo ? &key->flow.lo_addr : &key->flow.hi_addr;
    *server_port = lo ? key->flow.lo_port : key->flow.hi_port;
    *client = lo ? &key->flow.hi_addr : &key->flow.lo_addr;
    *client_port = lo ? key->flow.hi_port : key->flow.lo_port;
}
