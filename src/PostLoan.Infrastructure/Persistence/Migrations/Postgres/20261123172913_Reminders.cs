using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace PostLoan.Infrastructure.Persistence.Migrations.Postgres
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    LoanId = table.Column<long>(type: "bigint", nullable: false),
                    CustomerId = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Recipient = table.Column<int>(type: "integer", nullable: false),
                    GuaranteeId = table.Column<long>(type: "bigint", nullable: true),
                    RecipientName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Period = table.Column<int>(type: "integer", nullable: false),
                    DueDate = table.Column<DateOnly>(type: "date", nullable: false),
                    Amount = table.Column<decimal>(type: "numeric", nullable: false),
                    IssuedOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Deadline = table.Column<DateOnly>(type: "date", nullable: false),
                    State = table.Column<int>(type: "integer", nullable: false),
                    Channel = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    SentBy = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    OrganisationPath = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AccountManagerId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
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
