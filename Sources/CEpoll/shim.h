#ifndef AKANA_CEPOLL_SHIM_H
#define AKANA_CEPOLL_SHIM_H
/// Linux's event APIs, which Swift's Glibc module does not export: epoll(7) and eventfd(2), and
/// accept4(2). Only declarations: nothing is compiled or linked beyond the C library.
///
/// accept4 is a GNU extension that <sys/socket.h> declares only under _GNU_SOURCE. Defining that
/// here, or including <sys/socket.h> at all, gives this module its own copies of declarations that
/// Swift's Glibc module already has (fd_set, SOCK_CLOEXEC, …), which then conflict; so the
/// prototype is written out with the address as `void *` (a `struct sockaddr *` in glibc) and the
/// length as `unsigned int *` (glibc's socklen_t).
#include <sys/epoll.h>
#include <sys/eventfd.h>

extern int accept4(int fd, void *address, unsigned int *length, int flags);
#endif
