using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrivateBox.Factory.Services.UnitApi.Data.Migrations
{
    /// <inheritdoc />
    public partial class UnitEnrollment : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "debug_key_removed",
                table: "build_attempts",
                type: "boolean",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ssh_host_key",
                table: "build_attempts",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "debug_key_removed",
                table: "build_attempts");

            migrationBuilder.DropColumn(
                name: "ssh_host_key",
                table: "build_attempts");
        }
    }
}
