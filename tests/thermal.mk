# The SoC temperature from sysfs thermal zones.
TESTS += thermal
thermal_SRCS := hal/thermal.c
thermal_LIBS :=
NEON_TESTS += thermal
