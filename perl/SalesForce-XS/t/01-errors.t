# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (AGPL). If you
# did not receive this file, see https://www.gnu.org/licenses/agpl.txt.
# --

# Errors without a server: croak objects, their fields and text, the
# typemap check, DESTROY exactly once.

use strict;
use warnings;

use Test::More;

use SalesForce::XS;

# Returns the exception of a block, or undef.
sub Raises {
    my ($Code) = @_;
    my $Ok = eval { $Code->(); 1 };
    return $Ok ? undef : $@;
}

# Configuration errors come back as SalesForce::XS::Error objects.
my $Error = Raises( sub { SalesForce::XS->new('{"usernme": "x"}') } );
isa_ok( $Error, 'SalesForce::XS::Error', 'bad config key' );
is( $Error->{name}, 'CONFIG', 'name CONFIG' );
is( $Error->code(), 4,        'code is the sf_result number of CONFIG' );
like( $Error->{message}, qr/usernme/, 'message names the key' );
is( $Error->{sf_code},     undef, 'no Salesforce code' );
is( $Error->{http_status}, undef, 'no HTTP status' );
like( "$Error", qr/^SalesForce::XS: CONFIG .*usernme/, 'stringifies to the Display text' );
is( "$Error", $Error->as_string(), 'as_string() is the string form' );
ok( $Error ? 1 : 0, 'an error object is true' );

# Not JSON at all.
$Error = Raises( sub { SalesForce::XS->new('{"auth_flow": ') } );
isa_ok( $Error, 'SalesForce::XS::Error', 'broken JSON config' );
like( $Error->{name}, qr/^(CONFIG|INVALID_ARGUMENT)$/, "name $Error->{name}" );

# Secrets from the configuration never appear in errors.
$Error = Raises( sub { SalesForce::XS->new('{"password": "hunter2-very-secret", "bogus": 1}') } );
isa_ok( $Error, 'SalesForce::XS::Error', 'config with password and an unknown key' );
unlike( "$Error", qr/hunter2/, 'the password is not in the error text' );

# undef arguments croak with a plain message.
$Error = Raises( sub { SalesForce::XS->new(undef) } );
like( $Error, qr/configuration is undef/, 'undef config' );

# The typemap refuses anything but a SalesForce::XS object.
$Error = Raises( sub { SalesForce::XS::call_json( 'not an object', 'login', '{}' ) } );
like( $Error, qr/Not a SalesForce::XS instance/, 'call_json on a string' );
$Error = Raises( sub { SalesForce::XS::call_json( bless( {}, 'Other' ), 'login', '{}' ) } );
like( $Error, qr/Not a SalesForce::XS instance/, 'call_json on another class' );

# The facade checks its arguments.
$Error = Raises( sub { SalesForce::XS::plan('not a hash') } );
like( $Error, qr/must be a hash reference/, 'plan() wants a hash reference' );

# Planner refusals are error objects as well.
$Error = Raises( sub { SalesForce::XS::plan_json('{"kind": "nonsense"}') } );
isa_ok( $Error, 'SalesForce::XS::Error', 'planner refusal' );
like( $Error->{message}, qr/kind/, 'it names what is wrong' );
$Error = Raises( sub { SalesForce::XS::plan_json('[1, 2') } );
is( $Error->{name}, 'INVALID_ARGUMENT', 'broken planner JSON is INVALID_ARGUMENT' );
like( $Error->{message}, qr/not valid JSON/, 'and says so' );

# A client that needs no server to be made: new() does not log in.
my $Config = '{"auth_flow": "soap-login", "login_url": "https://127.0.0.1:9/services/Soap/u/64.0",'
    . ' "username": "u@example.com", "password": "p", "connect_timeout_secs": 1, "max_retries": 0}';
my $Client = SalesForce::XS->new($Config);
isa_ok( $Client, 'SalesForce::XS' );
ok( !$Client->is_freed(), 'fresh handle is not freed' );

# Unknown method: error, object stays usable.
$Error = Raises( sub { $Client->call_json( 'noSuchMethod', '{}' ) } );
is( $Error->{name}, 'UNKNOWN_METHOD', 'unknown method' );
like( $Error->{message}, qr/noSuchMethod/, 'names the method' );
$Error = Raises( sub { $Client->call_json( 'query', '{"soql": ' ) } );
is( $Error->{name}, 'INVALID_ARGUMENT', 'broken args JSON' );
$Error = Raises( sub { $Client->call( 'query', [] ) } );
like( $Error, qr/must be a hash reference/, 'call() wants a hash reference' );

# Nobody listens on port 9: a transport error (connection refused), not a hang.
$Error = Raises( sub { $Client->call( 'login', {} ) } );
isa_ok( $Error, 'SalesForce::XS::Error', 'login to a closed port' );
like( $Error->{name}, qr/^(TRANSPORT|TIMEOUT)$/, "name $Error->{name}" );

# DESTROY frees exactly once; later calls croak, a second DESTROY is a no-op.
$Client->DESTROY();
ok( $Client->is_freed(), 'DESTROY freed the handle' );
$Error = Raises( sub { $Client->call_json( 'usage', '{}' ) } );
like( $Error, qr/already been freed/, 'a freed client croaks instead of crashing' );
$Client->DESTROY();
ok( $Client->is_freed(), 'second DESTROY is a no-op' );
undef $Client;    # third DESTROY, from Perl: still a no-op
pass('object released after explicit DESTROY');

done_testing();
