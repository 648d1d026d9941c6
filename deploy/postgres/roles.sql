-- The PostgreSQL side of publishing (docs/deploy.md), run once by a superuser:
--   sudo -u postgres psql -v ON_ERROR_STOP=1 -v publisher=imr -v reader=imr_reader -v database=imr -f deploy/postgres/roles.sql
-- publisher: the role `imr refresh` / `imr publish` connect as: the service user's name, so it
-- logs in over the local socket by peer authentication, with no password to keep.
-- reader: what BI logins are made members of; the publish grants it SELECT on the marts only.
create role :"publisher" login;
create role :"reader" nologin;
create database :"database" owner :"publisher";
