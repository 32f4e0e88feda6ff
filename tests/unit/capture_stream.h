/* A FILE* whose contents a test can read back as a string. */
#ifndef PKTAN_TEST_CAPTURE_STREAM_H
#define PKTAN_TEST_CAPTURE_STREAM_H

#include <stdio.h>
#include <stdlib.h>
#include <glib.h>

typedef struct {
    FILE *file;
    char *data;
    size_t size;
} capture_stream;

static inline void capture_open(capture_stream *c)
{
    c->data = NULL;
    c->size = 0;
    c->file = open_memstream(&c->data, &c->size);
    g_assert_nonnull(c->file);
}

/* Closes the stream; the text stays in c->data until capture_free. */
static inline const char *capture_close(capture_stream *c)
{
    fclose(c->file);
    c->file = NULL;
    return c->data;
}

static inline void capture_free(capture_stream *c)
{
    free(c->data);
    c->data = NULL;
}

#endif
