using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PrivateBox.Factory.Services.UnitApi.Data.Migrations
{
    /// <inheritdoc />
    public partial class UnitClock : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "unit_clock_suspect",
                table: "build_attempts",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "unit_clock_suspect",
                table: "build_attempts");
        }
    }
}
