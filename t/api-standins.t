# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

# The OTRS stand-ins under t/lib behave like OTRS where the backend relies on it
# (reference/otrs-6-package.md sections 5.4, 7.1-7.3 and 12).

use strict;
use warnings;
no warnings 'once';    ## no critic (the stand-ins' package variables)
use utf8;

use File::Temp qw(tempdir);
use Test::More;

use Kernel::System::ObjectManager;

## no critic (Modules::ProhibitMultiplePackages)
{

    package Test::NoDependencies;    ## no critic
    sub new { return bless {}, shift }
}
{

    package Test::Dependent;         ## no critic
    our @ObjectDependencies = ('Kernel::System::Log');
    sub new { my ( $Class, %Param ) = @_; return bless {%Param}, $Class }
}
{

    package Test::Failing;           ## no critic
    our @ObjectDependencies = ();
    sub new {return}
}
$INC{'Test/NoDependencies.pm'} = $INC{'Test/Dependent.pm'} = $INC{'Test/Failing.pm'} = __FILE__;

# --- ObjectManager ---
{
    local $Kernel::OM = Kernel::System::ObjectManager->new( 'Test::Dependent' => { A => 1 } );
    $Kernel::OM->ObjectParamAdd(
        'Test::Dependent' => {
            B => 2,
            A => undef
        }
    );
    my $Object = $Kernel::OM->Get('Test::Dependent');
    is_deeply( {%$Object}, { B => 2 }, 'params from new() and ObjectParamAdd (undef removes)' );
    is( $Kernel::OM->Get('Test::Dependent'), $Object, 'Get returns a singleton' );
    $Kernel::OM->ObjectParamAdd( 'Test::Dependent' => { C => 3 } );
    ok( !exists $Kernel::OM->Get('Test::Dependent')->{C}, 'ObjectParamAdd after Get has no effect' );

    eval { $Kernel::OM->Get('Test::NoDependencies') };
    like( $@, qr/does not declare its object dependencies/, 'a module without @ObjectDependencies dies' );
    eval { $Kernel::OM->Get('Test::Failing') };
    like( $@, qr/The constructor of Test::Failing returned undef/, 'a constructor returning undef dies' );
    is( $Kernel::OM->Create( 'Test::Failing', Silent => 1 ), undef, 'Create with Silent gives undef' );

    my $Log = $Kernel::OM->Get('Kernel::System::Log');
    $Kernel::OM->ObjectsDiscard( Objects => ['Kernel::System::Log'] );
    isnt( $Kernel::OM->Get('Kernel::System::Log'), $Log,    'ObjectsDiscard drops the object' );
    isnt( $Kernel::OM->Get('Test::Dependent'),     $Object, '... and the objects that depend on it' );

    my $Double = bless {}, 'Test::Double';
    $Kernel::OM->ObjectInstanceRegister(
        Package => 'Kernel::System::Main',
        Object  => $Double
    );
    is( $Kernel::OM->Get('Kernel::System::Main'), $Double, 'ObjectInstanceRegister injects an instance' );
}

# --- Kernel::Config ---
{
    local $Kernel::OM = Kernel::System::ObjectManager->new();
    my $ConfigObject = $Kernel::OM->Get('Kernel::Config');
    is(
        $ConfigObject->Get('SalesForceModule::Proxy'), 'https://login.salesforce.com/services/Soap/u/64.0',
        'shipped default'
    );
    is( $ConfigObject->Get('SalesForceModule::Customers::Limit'), undef, 'Valid="0" setting absent' );
    is(
        $ConfigObject->Get('Daemon::SchedulerCronTaskManager::Task###SalesForceSyncCompanies'), undef,
        'Get(A###B) is undef'
    );
    $ConfigObject->Set(
        Key   => 'Daemon::SchedulerCronTaskManager::Task###X',
        Value => { TaskName => 'X' }
    );
    is( $ConfigObject->Get('Daemon::SchedulerCronTaskManager::Task')->{X}->{TaskName}, 'X', 'Set(A###B) nests' );
    is( $ConfigObject->{'SalesForceModule::APIVersion'}, '64.0',                            'Config is a plain hash' );

    local $Kernel::Config::TestSettings{'SalesForceModule::APIVersion'} = '62.0';
    is( Kernel::Config->new()->Get('SalesForceModule::APIVersion'), '62.0', 'TestSettings apply to new objects' );
}

# --- Log ---
{
    local $Kernel::OM = Kernel::System::ObjectManager->new();
    my $LogObject = $Kernel::OM->Get('Kernel::System::Log');

    my $Stderr = '';
    {
        local $ENV{SALESFORCE_TEST_QUIET_LOG};
        local *STDERR;
        open STDERR, '>', \$Stderr or die $!;    ## no critic
        $LogObject->Log(
            Priority => 'notice',
            Message  => 'a notice'
        );
        $LogObject->Log(
            Priority => 'error',
            Message  => 'an error'
        );
    }
    like( $Stderr, qr/an error/, 'error entries go to STDERR' );
    unlike( $Stderr, qr/a notice/, 'notice entries do not' );
    is(
        $LogObject->GetLogEntry(
            Type => 'error',
            What => 'Message'
        ),
        'an error',
        'GetLogEntry error'
    );
    is(
        $LogObject->GetLogEntry(
            Type => 'notice',
            What => 'Message'
        ),
        'a notice',
        'GetLogEntry notice'
    );
    is(
        $LogObject->GetLogEntry(
            Type => 'info',
            What => 'Message'
        ),
        '',
        'GetLogEntry of nothing is empty'
    );
    like(
        $LogObject->GetLogEntry(
            Type => 'error',
            What => 'Traceback'
        ),
        qr/api-standins/,
        'Traceback'
    );
    ok( ( grep { $_->{Message} eq 'an error' } @Kernel::System::Log::AllEntries ), 'AllEntries keeps everything' );
}

# --- JSON and Main ---
{
    local $ENV{SALESFORCE_TEST_QUIET_LOG} = 1;
    local $Kernel::OM = Kernel::System::ObjectManager->new();
    my $JSONObject = $Kernel::OM->Get('Kernel::System::JSON');
    is(
        $JSONObject->Encode(
            Data => {
                b => \1,
                a => "\x{2028}ü"
            },
            SortKeys => 1
        ),
        qq({"a":"\\u2028ü","b":true}),
        'Encode: character string, sorted, U+2028 escaped, booleans'
    );
    is_deeply(
        $JSONObject->Decode( Data => '{"x":true,"y":[false]}' ),
        {
            x => 1,
            y => [0]
        },
        'Decode: booleans as 1/0'
    );
    is( $JSONObject->Decode( Data => '{nope' ), undef, 'Decode of bad JSON is undef' );
    like(
        $Kernel::OM->Get('Kernel::System::Log')->GetLogEntry( Type => 'error' ), qr/Decoding the JSON string failed/,
        '... and logged'
    );

    my $MainObject = $Kernel::OM->Get('Kernel::System::Main');
    ok( $MainObject->Require('File::Spec'),                       'Require of an existing module' );
    ok( !$MainObject->Require( 'No::Such::Module', Silent => 1 ), 'Require of a missing module fails' );
    my $Dir     = tempdir( CLEANUP => 1 );
    my $Content = "line1\nzwei ü\n";
    ok(
        $MainObject->FileWrite(
            Location => "$Dir/f",
            Content  => \$Content,
            Mode     => 'utf8'
        ),
        'FileWrite'
    );
    is(
        ${ $MainObject->FileRead( Location => "$Dir/f", Mode => 'utf8' ) },
        $Content,
        'FileRead'
    );
    is(
        scalar @{ $MainObject->FileRead( Directory => $Dir, Filename => 'f', Result => 'ARRAY' ) },
        2,
        'FileRead ARRAY'
    );
}

done_testing();
