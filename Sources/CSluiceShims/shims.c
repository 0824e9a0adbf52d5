#define _GNU_SOURCE
#include "CSluiceShims.h"
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/prctl.h>

int sluice_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

int sluice_set_pipe_size(int fd, int size) {
#ifdef F_SETPIPE_SZ
    return fcntl(fd, F_SETPIPE_SZ, size);
#else
    (void)fd; (void)size;
    errno = ENOSYS;
    return -1;
#endif
}

int sluice_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
#else
    (void)actions; (void)from;
    return ENOSYS;
#endif
}

int sluice_set_parent_death_signal(int sig) {
    return prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0);
}

int sluice_syncfs(int fd) {
    return syncfs(fd);
}
