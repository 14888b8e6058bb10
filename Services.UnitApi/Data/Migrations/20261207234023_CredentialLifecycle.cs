using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrivateBox.Factory.Services.UnitApi.Data.Migrations
{
    /// <summary>
    /// Passwords live only with a unit's current attempt, and only while it can be labeled (ready, burn_in_complete).
    /// The database enforces it whichever path changes an attempt (a report, record_heartbeat, the stuck detector,
    /// a label): when a unit's current attempt changes, every other attempt's credentials are deleted; when an
    /// attempt's status leaves the labelable ones, its own are. Existing leftovers are deleted once here.
    /// </summary>
    public partial class CredentialLifecycle : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION purge_superseded_credentials() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    DELETE FROM unit_credentials c USING build_attempts a
                    WHERE c.attempt_id = a.id AND a.unit_mac = NEW.mac AND a.id IS DISTINCT FROM NEW.current_attempt_id;
                    UPDATE build_attempts SET has_credentials = false
                    WHERE unit_mac = NEW.mac AND id IS DISTINCT FROM NEW.current_attempt_id AND has_credentials;
                    RETURN NULL;
                END $$;

                CREATE TRIGGER units_purge_superseded_credentials
                AFTER UPDATE OF current_attempt_id ON units
                FOR EACH ROW WHEN (OLD.current_attempt_id IS DISTINCT FROM NEW.current_attempt_id)
                EXECUTE FUNCTION purge_superseded_credentials();

                CREATE FUNCTION purge_unlabelable_credentials() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    DELETE FROM unit_credentials WHERE attempt_id = NEW.id;
                    NEW.has_credentials := false;
                    RETURN NEW;
                END $$;

                CREATE TRIGGER build_attempts_purge_unlabelable_credentials
                BEFORE UPDATE OF status ON build_attempts
                FOR EACH ROW WHEN (NEW.status NOT IN ('ready', 'burn_in_complete'))
                EXECUTE FUNCTION purge_unlabelable_credentials();

                DELETE FROM unit_credentials c USING build_attempts a, units u
                WHERE c.attempt_id = a.id AND u.mac = a.unit_mac
                  AND (a.id IS DISTINCT FROM u.current_attempt_id OR a.status NOT IN ('ready', 'burn_in_complete'));
                UPDATE build_attempts a SET has_credentials = false
                WHERE has_credentials AND NOT EXISTS (SELECT FROM unit_credentials c WHERE c.attempt_id = a.id);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER build_attempts_purge_unlabelable_credentials ON build_attempts;
                DROP FUNCTION purge_unlabelable_credentials();
                DROP TRIGGER units_purge_superseded_credentials ON units;
                DROP FUNCTION purge_superseded_credentials();
                """);
        }
    }
}
