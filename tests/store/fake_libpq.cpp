int crmo_fake_libpq = 0;
