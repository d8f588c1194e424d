/* Sends one request line to a wallsync control socket and prints the answer line. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s SOCKET REQUEST\n", argv[0]);
        return 2;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        perror("connect");
        return 1;
    }
    char line[512];
    int n = snprintf(line, sizeof line, "%s\n", argv[2]);
    if (write(fd, line, (size_t)n) != n) return 1;
    size_t got = 0;
    while (got < sizeof line - 1) {
        ssize_t r = read(fd, line + got, 1);
        if (r <= 0 || line[got] == '\n') break;
        got++;
    }
    line[got] = 0;
    printf("%s\n", line);
    close(fd);
    return 0;
}
