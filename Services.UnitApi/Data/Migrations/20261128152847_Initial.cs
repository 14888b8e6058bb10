using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PrivateBox.Factory.Services.UnitApi.Data.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        internal const string RecordHeartbeatV1 = """
                CREATE FUNCTION record_heartbeat(p_mac text, p_macs text[], p_stage text, p_unit_ts timestamptz,
                    p_now timestamptz, p_ip text, p_proxmox_ip text, p_rebuild_grace interval)
                RETURNS TABLE (attempt_id uuid, status text, new_attempt boolean)
                LANGUAGE plpgsql AS $$
                #variable_conflict use_column
                DECLARE
                    v_current uuid;
                    v_attempt build_attempts%ROWTYPE;
                    v_new boolean := false;
                BEGIN
                    INSERT INTO units (mac, first_seen_at, macs) VALUES (p_mac, p_now, ARRAY[p_mac]) ON CONFLICT (mac) DO NOTHING;
                    SELECT u.current_attempt_id INTO v_current FROM units u WHERE u.mac = p_mac FOR UPDATE;
                    IF v_current IS NOT NULL THEN
                        SELECT * INTO v_attempt FROM build_attempts a WHERE a.id = v_current;
                    END IF;

                    IF v_current IS NULL OR v_attempt.status = 'labeled'
                       OR (v_attempt.status IN ('ready', 'failed', 'burn_in_complete', 'burn_in_failed')
                           AND v_attempt.reported_at < p_now - p_rebuild_grace) THEN
                        -- First build, or the unit was reformatted after its last result: a new attempt.
                        INSERT INTO build_attempts (id, unit_mac, number, status, started_at, heartbeat_count, failed_tests, has_credentials)
                        VALUES (gen_random_uuid(), p_mac,
                                COALESCE((SELECT max(a.number) FROM build_attempts a WHERE a.unit_mac = p_mac), 0) + 1,
                                'building', p_now, 0, ARRAY[]::text[], false)
                        RETURNING * INTO v_attempt;
                        UPDATE units SET current_attempt_id = v_attempt.id WHERE mac = p_mac;
                        INSERT INTO attempt_events (attempt_id, at, from_status, to_status, reason)
                        VALUES (v_attempt.id, p_now, NULL, 'building', 'first heartbeat');
                        v_new := true;
                    ELSIF v_attempt.status IN ('ready', 'failed', 'burn_in_complete', 'burn_in_failed') THEN
                        -- A straggler sent just before the final report: the report stands.
                        RETURN QUERY SELECT v_attempt.id, v_attempt.status, false;
                        RETURN;
                    ELSIF v_attempt.status = 'stuck' THEN
                        INSERT INTO attempt_events (attempt_id, at, from_status, to_status, reason)
                        VALUES (v_attempt.id, p_now, 'stuck', 'building', 'heartbeat resumed');
                    END IF;

                    UPDATE build_attempts SET
                        status = 'building', stuck_at = NULL,
                        stage = COALESCE(p_stage, stage),
                        last_heartbeat_at = p_now,
                        last_unit_timestamp = COALESCE(p_unit_ts, last_unit_timestamp),
                        heartbeat_count = heartbeat_count + 1,
                        ip_address = COALESCE(p_ip, ip_address),
                        proxmox_ip = COALESCE(p_proxmox_ip, proxmox_ip)
                    WHERE id = v_attempt.id;

                    UPDATE units SET macs = ARRAY(SELECT DISTINCT m FROM unnest(macs || p_macs) m ORDER BY m)
                    WHERE mac = p_mac AND NOT macs @> p_macs;

                    RETURN QUERY SELECT v_attempt.id, 'building'::text, v_new;
                END $$;
                """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "outbox_messages",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    type = table.Column<string>(type: "text", nullable: false),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbox_messages", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "attempt_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    attempt_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    from_status = table.Column<string>(type: "text", nullable: true),
                    to_status = table.Column<string>(type: "text", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_attempt_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "build_attempts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    unit_mac = table.Column<string>(type: "text", nullable: false),
                    number = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    stage = table.Column<string>(type: "text", nullable: true),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_heartbeat_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_unit_timestamp = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    heartbeat_count = table.Column<int>(type: "integer", nullable: false),
                    ip_address = table.Column<string>(type: "text", nullable: true),
                    proxmox_ip = table.Column<string>(type: "text", nullable: true),
                    serial = table.Column<string>(type: "text", nullable: true),
                    build_time = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    build_duration_seconds = table.Column<int>(type: "integer", nullable: true),
                    test_results = table.Column<string>(type: "jsonb", nullable: true),
                    failed_tests = table.Column<List<string>>(type: "text[]", nullable: false),
                    error_log = table.Column<string>(type: "text", nullable: true),
                    diagnostic_data = table.Column<string>(type: "jsonb", nullable: true),
                    reported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    report_hash = table.Column<string>(type: "text", nullable: true),
                    stuck_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    labeled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    has_credentials = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_build_attempts", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "unit_credentials",
                columns: table => new
                {
                    attempt_id = table.Column<Guid>(type: "uuid", nullable: false),
                    admin_password = table.Column<byte[]>(type: "bytea", nullable: false),
                    services_password = table.Column<byte[]>(type: "bytea", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_unit_credentials", x => x.attempt_id);
                    table.ForeignKey(
                        name: "fk_unit_credentials_build_attempts_attempt_id",
                        column: x => x.attempt_id,
                        principalTable: "build_attempts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "units",
                columns: table => new
                {
                    mac = table.Column<string>(type: "text", nullable: false),
                    first_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    current_attempt_id = table.Column<Guid>(type: "uuid", nullable: true),
                    macs = table.Column<List<string>>(type: "text[]", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_units", x => x.mac);
                    table.ForeignKey(
                        name: "fk_units_attempts_current_attempt_id",
                        column: x => x.current_attempt_id,
                        principalTable: "build_attempts",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "ix_attempt_events_attempt_id",
                table: "attempt_events",
                column: "attempt_id");

            migrationBuilder.CreateIndex(
                name: "ix_build_attempts_reported_at",
                table: "build_attempts",
                column: "reported_at");

            migrationBuilder.CreateIndex(
                name: "ix_build_attempts_status",
                table: "build_attempts",
                column: "status");

            migrationBuilder.CreateIndex(
                name: "ix_build_attempts_unit_mac_number",
                table: "build_attempts",
                columns: new[] { "unit_mac", "number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_outbox_unsent",
                table: "outbox_messages",
                column: "id",
                filter: "sent_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_units_current_attempt_id",
                table: "units",
                column: "current_attempt_id");

            migrationBuilder.CreateIndex(
                name: "ix_units_macs",
                table: "units",
                column: "macs")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.AddForeignKey(
                name: "fk_attempt_events_build_attempts_attempt_id",
                table: "attempt_events",
                column: "attempt_id",
                principalTable: "build_attempts",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_build_attempts_units_unit_mac",
                table: "build_attempts",
                column: "unit_mac",
                principalTable: "units",
                principalColumn: "mac",
                onDelete: ReferentialAction.Cascade);
            // One round trip per heartbeat: create the unit, start or continue its build attempt, bring a stuck
            // unit back to building, and merge its MACs, under a row lock on the unit.
            migrationBuilder.Sql(RecordHeartbeatV1);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS record_heartbeat;");
            migrationBuilder.DropForeignKey(
                name: "fk_units_attempts_current_attempt_id",
                table: "units");

            migrationBuilder.DropTable(
                name: "attempt_events");

            migrationBuilder.DropTable(
                name: "outbox_messages");

            migrationBuilder.DropTable(
                name: "unit_credentials");

            migrationBuilder.DropTable(
                name: "build_attempts");

            migrationBuilder.DropTable(
                name: "units");
        }
    }
}
