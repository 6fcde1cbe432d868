using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostLoan.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SignalOrganisationCopy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_warning_signals_organisations_OrganisationId",
                table: "warning_signals");

            migrationBuilder.DropIndex(
                name: "IX_warning_signals_OrganisationId",
                table: "warning_signals");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_warning_signals_OrganisationId",
                table: "warning_signals",
                column: "OrganisationId");

            migrationBuilder.AddForeignKey(
                name: "FK_warning_signals_organisations_OrganisationId",
                table: "warning_signals",
                column: "OrganisationId",
                principalTable: "organisations",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }
    }
}
