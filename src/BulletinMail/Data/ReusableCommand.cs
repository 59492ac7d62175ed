using System.Data.Common;

namespace BulletinMail.Data;

/// <summary>A statement run many times with new values: SQLite parses it once, its parameters are made once.</summary>
public static class ReusableCommand
{
    /// <summary>A command with the named parameters, their values unset: set each <c>Value</c> before every execution.</summary>
    public static DbCommand Create(DbConnection connection, string sql, params IEnumerable<string> parameterNames)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameterNames)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
