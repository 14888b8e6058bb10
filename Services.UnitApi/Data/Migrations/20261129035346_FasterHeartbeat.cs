using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrivateBox.Factory.Services.UnitApi.Data.Migrations
{
    /// <summary>
    /// record_heartbeat in one statement for a unit in the middle of its build (instead of five under a lock on
    /// the unit) and four for a new unit; OUT parameters instead of a result set.
    /// </summary>
    public partial class FasterHeartbeat : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION record_heartbeat(text, text[], text, timestamptz, timestamptz, text, text, interval);");
            migrationBuilder.Sql("""
                CREATE FUNCTION record_heartbeat(p_mac text, p_macs text[], p_stage text, p_unit_ts timestamptz,
                    p_now timestamptz, p_ip text, p_proxmox_ip text, p_rebuild_grace interval,
                    OUT attempt_id uuid, OUT status text, OUT new_attempt boolean)
                LANGUAGE plpgsql AS $$
                #variable_conflict use_column
                DECLARE
                    v_status text;
                    v_reported_at timestamptz;
                    v_macs text[];
                BEGIN
                    new_attempt := false;
                    status := 'building';
                    -- A unit in the middle of its build: one statement. The attempt's row lock orders it against a
                    -- report, a label or the stuck detector; any other state takes the locking path below.
                    UPDATE build_attempts a SET
                        stage = COALESCE(p_stage, a.stage),
                        last_heartbeat_at = p_now,
                        last_unit_timestamp = COALESCE(p_unit_ts, a.last_unit_timestamp),
                        heartbeat_count = a.heartbeat_count + 1,
                        ip_address = COALESCE(p_ip, a.ip_address),
                        proxmox_ip = COALESCE(p_proxmox_ip, a.proxmox_ip)
                    FROM units u
                    WHERE u.mac = p_mac AND a.id = u.current_attempt_id AND a.status = 'building'
                    RETURNING a.id, u.macs INTO attempt_id, v_macs;
                    IF FOUND THEN
                        IF NOT v_macs @> p_macs THEN
                            UPDATE units SET macs = ARRAY(SELECT DISTINCT m FROM unnest(macs || p_macs) m ORDER BY m)
                            WHERE mac = p_mac AND NOT macs @> p_macs;
                        END IF;
                        RETURN;
                    END IF;

                    SELECT u.current_attempt_id, a.status, a.reported_at, u.macs
                    INTO attempt_id, v_status, v_reported_at, v_macs
                    FROM units u LEFT JOIN build_attempts a ON a.id = u.current_attempt_id
                    WHERE u.mac = p_mac FOR UPDATE OF u;
                    IF NOT FOUND THEN
                        -- A unit never seen before: the unit, its first attempt and its first event at once.
                        INSERT INTO units (mac, first_seen_at, macs)
                        VALUES (p_mac, p_now, ARRAY(SELECT DISTINCT m FROM unnest(p_macs || p_mac) m ORDER BY m))
                        ON CONFLICT (mac) DO NOTHING;
                        IF FOUND THEN
                            INSERT INTO build_attempts (id, unit_mac, number, status, started_at, stage, last_heartbeat_at,
                                last_unit_timestamp, heartbeat_count, ip_address, proxmox_ip, failed_tests, has_credentials)
                            VALUES (gen_random_uuid(), p_mac, 1, 'building', p_now, p_stage, p_now, p_unit_ts, 1, p_ip,
                                    p_proxmox_ip, ARRAY[]::text[], false)
                            RETURNING id INTO attempt_id;
                            UPDATE units SET current_attempt_id = attempt_id WHERE mac = p_mac;
                            INSERT INTO attempt_events (attempt_id, at, from_status, to_status, reason)
                            VALUES (attempt_id, p_now, NULL, 'building', 'first heartbeat');
                            new_attempt := true;
                            RETURN;
                        END IF;
                        -- Another request created it a moment ago: continue under its lock.
                        SELECT u.current_attempt_id, a.status, a.reported_at, u.macs
                        INTO attempt_id, v_status, v_reported_at, v_macs
                        FROM units u LEFT JOIN build_attempts a ON a.id = u.current_attempt_id
                        WHERE u.mac = p_mac FOR UPDATE OF u;
                    END IF;

                    IF attempt_id IS NULL OR v_status = 'labeled'
                       OR (v_status IN ('ready', 'failed', 'burn_in_complete', 'burn_in_failed')
                           AND v_reported_at < p_now - p_rebuild_grace) THEN
                        -- First build, or the unit was reformatted after its last result: a new attempt.
                        INSERT INTO build_attempts (id, unit_mac, number, status, started_at, heartbeat_count, failed_tests, has_credentials)
                        VALUES (gen_random_uuid(), p_mac,
                                COALESCE((SELECT max(a.number) FROM build_attempts a WHERE a.unit_mac = p_mac), 0) + 1,
                                'building', p_now, 0, ARRAY[]::text[], false)
                        RETURNING id INTO attempt_id;
                        UPDATE units SET current_attempt_id = attempt_id WHERE mac = p_mac;
                        INSERT INTO attempt_events (attempt_id, at, from_status, to_status, reason)
                        VALUES (attempt_id, p_now, NULL, 'building', 'first heartbeat');
                        new_attempt := true;
                    ELSIF v_status IN ('ready', 'failed', 'burn_in_complete', 'burn_in_failed') THEN
                        -- A straggler sent just before the final report: the report stands.
                        status := v_status;
                        RETURN;
                    ELSIF v_status = 'stuck' THEN
                        INSERT INTO attempt_events (attempt_id, at, from_status, to_status, reason)
                        VALUES (attempt_id, p_now, 'stuck', 'building', 'heartbeat resumed');
                    END IF;

                    UPDATE build_attempts SET
                        status = 'building', stuck_at = NULL,
                        stage = COALESCE(p_stage, stage),
                        last_heartbeat_at = p_now,
                        last_unit_timestamp = COALESCE(p_unit_ts, last_unit_timestamp),
                        heartbeat_count = heartbeat_count + 1,
                        ip_address = COALESCE(p_ip, ip_address),
                        proxmox_ip = COALESCE(p_proxmox_ip, proxmox_ip)
                    WHERE id = attempt_id;

                    IF NOT v_macs @> p_macs THEN
                        UPDATE units SET macs = ARRAY(SELECT DISTINCT m FROM unnest(v_macs || p_macs) m ORDER BY m) WHERE mac = p_mac;
                    END IF;
                END $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION record_heartbeat(text, text[], text, timestamptz, timestamptz, text, text, interval);");
            migrationBuilder.Sql(Initial.RecordHeartbeatV1);
        }
    }
}
