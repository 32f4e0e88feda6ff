/* Runs a fuzz harness once on each input: files given as arguments, and
 * every file in directories given as arguments. Built with the project's
 * own compiler, so the seeds and every input that ever crashed a harness
 * are replayed by ctest in each build (and under AddressSanitizer and
 * UBSan in the sanitizer build), with or without clang's libFuzzer. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static guint run_file(const char *path)
{
    gchar *data;
    gsize len;
    GError *err = NULL;

    if (!g_file_get_contents(path, &data, &len, &err)) {
        fprintf(stderr, "replay: %s\n", err->message);
        exit(2);
    }
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    g_free(data);
    return 1;
}

int main(int argc, char **argv)
{
    guint inputs = 0;

    for (int i = 1; i < argc; i++) {
        if (g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
            GDir *dir = g_dir_open(argv[i], 0, NULL);
            GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
            const char *name;
            while (dir && (name = g_dir_read_name(dir)) != NULL)
                g_ptr_array_add(names, g_build_filename(argv[i], name, NULL));
            if (dir)
                g_dir_close(dir);
            for (guint j = 0; j < names->len; j++)
                inputs += run_file(g_ptr_array_index(names, j));
            g_ptr_array_free(names, TRUE);
        } else {
            inputs += run_file(argv[i]);
        }
    }
    printf("replayed %u inputs, no failure\n", inputs);
    return 0;
}
