-- One role per service, each owning a schema of its own name in the printforge database: the
-- default search_path ("$user", public) puts a service's tables (and its schema_migrations) in
-- its schema, and no service can read another's rows. Run once by the postgres image on an empty
-- data directory (/docker-entrypoint-initdb.d); a production database gets the same statements
-- with real passwords (docs/deploy.md, "Databases"). Dev-only passwords, matching this
-- component's printforge-*-secrets.
CREATE ROLE printforge_auth LOGIN PASSWORD 'auth-dev-only';
CREATE SCHEMA printforge_auth AUTHORIZATION printforge_auth;
CREATE ROLE printforge_generator LOGIN PASSWORD 'generator-dev-only';
CREATE SCHEMA printforge_generator AUTHORIZATION printforge_generator;
CREATE ROLE printforge_printability LOGIN PASSWORD 'printability-dev-only';
CREATE SCHEMA printforge_printability AUTHORIZATION printforge_printability;
