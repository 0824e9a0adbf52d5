#ifndef SLUICE_C_SHIMS_H
#define SLUICE_C_SHIMS_H

#include <spawn.h>
#include <sys/types.h>

/// pipe2(2) with O_CLOEXEC; Glibc declares it only under _GNU_SOURCE.
int sluice_pipe_cloexec(int fds[2]);

/// fcntl(fd, F_SETPIPE_SZ, size); returns the new size or -1 with errno set.
int sluice_set_pipe_size(int fd, int size);

/// posix_spawn_file_actions_addclosefrom_np(actions, from); returns an error code.
int sluice_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);

/// prctl(PR_SET_PDEATHSIG, sig): the kernel sends `sig` to this process when its parent
/// thread exits. Returns 0 or -1 with errno set.
int sluice_set_parent_death_signal(int sig);

#endif
