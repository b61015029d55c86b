"""The private cluster: reachable only through its socket folder, run by the postgres user."""

from __future__ import annotations

import os
import pwd
import stat

from django.db import connection

from tests.portal.support import PortalDatabase


def test_the_cluster_listens_on_no_tcp_port_only_on_a_private_socket(
    portal_db: PortalDatabase,
) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SHOW listen_addresses")
        assert cursor.fetchone() == ("",)
        cursor.execute("SHOW unix_socket_permissions")
        assert cursor.fetchone() == ("0700",)
        cursor.execute("SELECT current_setting('server_version_num')::int / 10000")
        assert cursor.fetchone() == (15,)
    here = portal_db.pg.cluster
    assert connection.settings_dict["HOST"] == str(here.socket_dir)
    data = here.data.stat()
    assert stat.S_IMODE(data.st_mode) == 0o700
    # pg_ctl refuses root: as root, the server and its files belong to the postgres user.
    owner = pwd.getpwuid(data.st_uid).pw_name
    assert owner == ("postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name)
