using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PostLoan.Infrastructure.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Reminders : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "borrower_notices",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    LoanId = table.Column<long>(type: "INTEGER", nullable: false),
                    CustomerId = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Recipient = table.Column<int>(type: "INTEGER", nullable: false),
                    GuaranteeId = table.Column<long>(type: "INTEGER", nullable: true),
                    RecipientName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Period = table.Column<int>(type: "INTEGER", nullable: false),
                    DueDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Amount = table.Column<decimal>(type: "TEXT", nullable: false),
                    IssuedOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Deadline = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    State = table.Column<int>(type: "INTEGER", nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: true),
                    SentBy = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    OrganisationPath = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    AccountManagerId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_borrower_notices", x => x.Id);
                    table.ForeignKey(
                        name: "FK_borrower_notices_loans_LoanId",
                        column: x => x.LoanId,
                        principalTable: "loans",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_borrower_notices_IssuedOn_State",
                table: "borrower_notices",
                columns: new[] { "IssuedOn", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_borrower_notices_LoanId_Period_Kind",
                table: "borrower_notices",
                columns: new[] { "LoanId", "Period", "Kind" });

            migrationBuilder.CreateIndex(
                name: "IX_borrower_notices_OrganisationPath",
                table: "borrower_notices",
                column: "OrganisationPath");

            migrationBuilder.CreateIndex(
                name: "IX_borrower_notices_State_Deadline",
                table: "borrower_notices",
                columns: new[] { "State", "Deadline" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "borrower_notices");
        }
    }
}
