#ifndef SPACEPANDA_CSODIUM_SHIM_H
#define SPACEPANDA_CSODIUM_SHIM_H
#include <sodium.h>
#endif
