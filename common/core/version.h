/* version.h - the one version string of every binary (stages and tools). */
#ifndef NW_VERSION_H
#define NW_VERSION_H

#define NW_VERSION "0.1.0"

#endif
