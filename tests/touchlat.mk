# fw/touchlat: touch to sound as status tells it (last, median, worst).
TESTS += touchlat
touchlat_SRCS := fw/touchlat.c
touchlat_LIBS :=
