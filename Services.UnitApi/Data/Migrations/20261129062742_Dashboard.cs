using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PrivateBox.Factory.Services.UnitApi.Data.Migrations
{
    /// <inheritdoc />
    public partial class Dashboard : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "dashboard_debug_bundles",
                columns: table => new
                {
                    bundle_id = table.Column<Guid>(type: "uuid", nullable: false),
                    mac = table.Column<string>(type: "text", nullable: false),
                    stored_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    complete = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dashboard_debug_bundles", x => x.bundle_id);
                });

            migrationBuilder.CreateTable(
                name: "dashboard_label_reprints",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    mac = table.Column<string>(type: "text", nullable: false),
                    station_id = table.Column<string>(type: "text", nullable: false),
                    reason = table.Column<string>(type: "text", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dashboard_label_reprints", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "dashboard_port_links",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    switch_id = table.Column<string>(type: "text", nullable: false),
                    port = table.Column<int>(type: "integer", nullable: false),
                    role = table.Column<string>(type: "text", nullable: false),
                    macs = table.Column<List<string>>(type: "text[]", nullable: false),
                    linked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    unlinked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dashboard_port_links", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "dashboard_printers",
                columns: table => new
                {
                    station_id = table.Column<string>(type: "text", nullable: false),
                    state = table.Column<string>(type: "text", nullable: false),
                    detail = table.Column<string>(type: "text", nullable: true),
                    checked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_dashboard_printers", x => x.station_id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_dashboard_debug_bundles_mac",
                table: "dashboard_debug_bundles",
                column: "mac");

            migrationBuilder.CreateIndex(
                name: "ix_dashboard_label_reprints_mac_station_id_at",
                table: "dashboard_label_reprints",
                columns: new[] { "mac", "station_id", "at" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_dashboard_port_links_macs",
                table: "dashboard_port_links",
                column: "macs")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_port_links_open",
                table: "dashboard_port_links",
                columns: new[] { "switch_id", "port" },
                unique: true,
                filter: "unlinked_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "dashboard_debug_bundles");

            migrationBuilder.DropTable(
                name: "dashboard_label_reprints");

            migrationBuilder.DropTable(
                name: "dashboard_port_links");

            migrationBuilder.DropTable(
                name: "dashboard_printers");
        }
    }
}
