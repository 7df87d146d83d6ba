# --
# Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
# --
# This software comes with ABSOLUTELY NO WARRANTY. For details, see
# the enclosed file COPYING for license information (GPL). If you
# did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
# --

package Kernel::Language::de_SalesForce;

use strict;
use warnings;
use utf8;

# German texts of the admin screen Admin -> Salesforce (t/admin-translation.t checks
# that every string of the screen is here).

sub Data {
    my $Self = shift;

    $Self->{Translation}->{'%s rows'}                = '%s Zeilen';
    $Self->{Translation}->{'%s used of %s, %s left'} = '%s von %s verbraucht, %s übrig';
    $Self->{Translation}->{'A setting is missing or wrong: see the message and the settings below.'}
        = 'Eine Einstellung fehlt oder ist falsch: siehe die Meldung und die Einstellungen unten.';
    $Self->{Translation}->{'API calls'}                   = 'API-Aufrufe';
    $Self->{Translation}->{'API calls of this test'}      = 'API-Aufrufe dieses Tests';
    $Self->{Translation}->{'API requests today'}          = 'API-Anfragen heute';
    $Self->{Translation}->{'API version'}                 = 'API-Version';
    $Self->{Translation}->{'Action'}                      = 'Aktion';
    $Self->{Translation}->{'Actions'}                     = 'Aktionen';
    $Self->{Translation}->{'Applied %s of %s changes...'} = '%s von %s Änderungen angewendet...';
    $Self->{Translation}->{'Auth flow'}                   = 'Anmeldeverfahren';
    $Self->{Translation}->{
        'Both run as tasks of the OTRS daemon. A preview writes nothing; a sync waits for no other sync: if one is running, it is refused and shown as such in the runs.'
        }
        = 'Beides läuft als Aufgabe des OTRS-Daemons. Eine Vorschau schreibt nichts; eine Synchronisierung wartet auf keine andere: läuft schon eine, wird sie abgelehnt und so in den Läufen gezeigt.';
    $Self->{Translation}->{'Changes (old → new)'}             = 'Änderungen (alt → neu)';
    $Self->{Translation}->{'Command'}                         = 'Befehl';
    $Self->{Translation}->{'Companies (Accounts)'}            = 'Firmen (Accounts)';
    $Self->{Translation}->{'Connected in %s s.'}              = 'Verbunden in %s s.';
    $Self->{Translation}->{'Connection'}                      = 'Verbindung';
    $Self->{Translation}->{'Counts'}                          = 'Anzahlen';
    $Self->{Translation}->{'Customer users (people)'}         = 'Kundenbenutzer (Personen)';
    $Self->{Translation}->{'Download the full report (JSON)'} = 'Den vollständigen Bericht herunterladen (JSON)';
    $Self->{Translation}->{'Duration'}                        = 'Dauer';
    $Self->{Translation}
        ->{'Every sync run: from the console, by cron, from this screen or from other code. Runs are kept for %s days.'}
        = 'Jeder Synchronisierungslauf: von der Konsole, per Cron, von dieser Seite oder aus anderem Code. Läufe werden %s Tage aufbewahrt.';
    $Self->{Translation}->{'Status (exit code)'} = 'Status (Exit-Code)';
    $Self->{Translation}->{'nothing written'}    = 'nichts geschrieben';
    $Self->{Translation}->{'Exit code'}          = 'Exit-Code';
    $Self->{Translation}->{'Failed records'}     = 'Fehlgeschlagene Datensätze';
    $Self->{Translation}->{
        'Frontend module registration of the admin screen Admin -> Salesforce (connection test, runs, preview, run now, schedule).'
        }
        = 'Frontend-Modul-Registrierung der Admin-Seite Admin -> Salesforce (Verbindungstest, Läufe, Vorschau, Jetzt ausführen, Zeitplan).';
    $Self->{Translation}->{'Go to overview'}   = 'Zur Übersicht';
    $Self->{Translation}->{'ID'}               = 'ID';
    $Self->{Translation}->{'Instance'}         = 'Instanz';
    $Self->{Translation}->{'Integration user'} = 'Integrationsbenutzer';
    $Self->{Translation}->{'Kind of run'}      = 'Art des Laufs';
    $Self->{Translation}->{'Loader module registration of the admin screen Admin -> Salesforce.'}
        = 'Loader-Modul-Registrierung der Admin-Seite Admin -> Salesforce.';
    $Self->{Translation}->{
        'Main menu item registration of the admin screen Admin -> Salesforce (none: it is reached from the Admin overview).'
        }
        = 'Hauptmenü-Registrierung der Admin-Seite Admin -> Salesforce (keine: sie wird über die Admin-Übersicht erreicht).';
    $Self->{Translation}->{'Memberships'}                        = 'Mitgliedschaften';
    $Self->{Translation}->{'Name'}                               = 'Name';
    $Self->{Translation}->{'Next run'}                           = 'Nächster Lauf';
    $Self->{Translation}->{'No runs yet.'}                       = 'Noch keine Läufe.';
    $Self->{Translation}->{'Nothing to show.'}                   = 'Nichts anzuzeigen.';
    $Self->{Translation}->{'Organization'}                       = 'Organisation';
    $Self->{Translation}->{'Page %s of %s'}                      = 'Seite %s von %s';
    $Self->{Translation}->{'Plan'}                               = 'Plan';
    $Self->{Translation}->{'Preview (dry run)'}                  = 'Vorschau (Probelauf)';
    $Self->{Translation}->{'Preview of %s'}                      = 'Vorschau: %s';
    $Self->{Translation}->{'Preview or run a sync'}              = 'Vorschau oder Abgleich';
    $Self->{Translation}->{'Reading Salesforce and planning...'} = 'Salesforce wird gelesen und geplant...';
    $Self->{Translation}->{'Reading the OTRS customer data...'}  = 'Die OTRS-Kundendaten werden gelesen...';
    $Self->{Translation}->{'Reason'}                             = 'Grund';
    $Self->{Translation}->{'Records'}                            = 'Datensätze';
    $Self->{Translation}->{'Run %s'}                             = 'Lauf %s';
    $Self->{Translation}->{'Run now'}                            = 'Jetzt ausführen';
    $Self->{Translation}->{'Running...'}                         = 'Läuft...';
    $Self->{Translation}->{'Runs'}                               = 'Läufe';
    $Self->{Translation}->{'Salesforce'}                         = 'Salesforce';
    $Self->{Translation}->{
        'Salesforce could not be reached: check the login address and the proxy settings, and that this server may connect to it.'
        }
        = 'Salesforce war nicht erreichbar: prüfen Sie die Anmeldeadresse und die Proxy-Einstellungen, und ob dieser Server sich dorthin verbinden darf.';
    $Self->{Translation}->{'Salesforce did not answer in time: check the network, the proxy and the timeout settings.'}
        = 'Salesforce hat nicht rechtzeitig geantwortet: prüfen Sie das Netzwerk, den Proxy und die Timeout-Einstellungen.';
    $Self->{Translation}->{
        'Salesforce refused the sign-in: check the user, the password and security token (or the connected app) in the settings below.'
        }
        = 'Salesforce hat die Anmeldung abgelehnt: prüfen Sie Benutzer, Passwort und Sicherheitstoken (oder die Connected App) in den Einstellungen unten.';
    $Self->{Translation}->{'Schedule'}          = 'Zeitplan';
    $Self->{Translation}->{'Schedule (UTC)'}    = 'Zeitplan (UTC)';
    $Self->{Translation}->{'Settings to check'} = 'Zu prüfende Einstellungen';
    $Self->{Translation}->{'Show'}              = 'Zeigen';
    $Self->{Translation}->{'Show the run'}      = 'Den Lauf zeigen';
    $Self->{Translation}->{'Skipped records'}   = 'Übersprungene Datensätze';
    $Self->{Translation}->{'Started'}           = 'Gestartet';
    $Self->{Translation}->{'State'}             = 'Zustand';
    $Self->{Translation}->{'Status'}            = 'Status';
    $Self->{Translation}->{'Sync of %s'}        = 'Synchronisierung: %s';
    $Self->{Translation}->{'Task'}              = 'Aufgabe';
    $Self->{Translation}->{'Test connection'}   = 'Verbindung testen';
    $Self->{Translation}->{'Test the Salesforce connection, see every sync run, preview a sync and start one.'}
        = 'Die Salesforce-Verbindung testen, jeden Synchronisierungslauf sehen, eine Synchronisierung vorab ansehen und starten.';
    $Self->{Translation}->{'The OTRS daemon is not running, so no cron task runs.'}
        = 'Der OTRS-Daemon läuft nicht, daher läuft keine Cron-Aufgabe.';
    $Self->{Translation}->{
        'The OTRS daemon is not running, so nothing was started. Start it as the OTRS user (the Daemon.pl of the bin directory, with "start") and try again.'
        }
        = 'Der OTRS-Daemon läuft nicht, daher wurde nichts gestartet. Starten Sie ihn als OTRS-Benutzer (das Daemon.pl im Verzeichnis bin, mit "start") und versuchen Sie es erneut.';
    $Self->{Translation}->{'The OTRS daemon is not running: previews and syncs from this screen need it.'}
        = 'Der OTRS-Daemon läuft nicht: Vorschau und Synchronisierung von dieser Seite brauchen ihn.';
    $Self->{Translation}->{'The connection test failed: see the message and the settings below.'}
        = 'Der Verbindungstest ist fehlgeschlagen: siehe die Meldung und die Einstellungen unten.';
    $Self->{Translation}->{'The daemon task could not be created (see the OTRS log).'}
        = 'Die Daemon-Aufgabe konnte nicht angelegt werden (siehe OTRS-Protokoll).';
    $Self->{Translation}->{'The request could not be saved (see the OTRS log).'}
        = 'Der Auftrag konnte nicht gespeichert werden (siehe OTRS-Protokoll).';
    $Self->{Translation}
        ->{'The secure connection failed: check the certificate settings (CA file) and the login address.'}
        = 'Die gesicherte Verbindung ist fehlgeschlagen: prüfen Sie die Zertifikatseinstellungen (CA-Datei) und die Anmeldeadresse.';
    $Self->{Translation}->{'The sign-in settings in force (secrets are only shown as set or not set):'}
        = 'Die geltenden Anmeldeeinstellungen (Geheimnisse nur als gesetzt oder nicht gesetzt):';
    $Self->{Translation}->{'The tile of the admin screen Admin -> Salesforce in the Admin overview.'}
        = 'Die Kachel der Admin-Seite Admin -> Salesforce in der Admin-Übersicht.';
    $Self->{Translation}->{'This action needs a form submission (POST).'}
        = 'Diese Aktion braucht ein abgeschicktes Formular (POST).';
    $Self->{Translation}
        ->{'This page follows the task and shows the result when it is done; you may leave it, the task goes on.'}
        = 'Diese Seite verfolgt die Aufgabe und zeigt das Ergebnis, sobald sie fertig ist; Sie können sie verlassen, die Aufgabe läuft weiter.';
    $Self->{Translation}->{'This request is unknown or has expired.'} = 'Dieser Auftrag ist unbekannt oder abgelaufen.';
    $Self->{Translation}->{'This run is unknown or was removed by the retention.'}
        = 'Dieser Lauf ist unbekannt oder wurde nach Ablauf der Aufbewahrungszeit entfernt.';
    $Self->{Translation}->{'Trigger'} = 'Auslöser';
    $Self->{Translation}->{'Unknown kind: choose companies or customers.'}
        = 'Unbekannte Art: wählen Sie Firmen oder Kunden.';
    $Self->{Translation}->{'Unknown request: choose a preview or a sync.'}
        = 'Unbekannter Auftrag: wählen Sie Vorschau oder Synchronisierung.';
    $Self->{Translation}->{'Waiting for the OTRS daemon to start the task...'}
        = 'Warten, bis der OTRS-Daemon die Aufgabe startet...';
    $Self->{Translation}->{'Writing the preview...'}     = 'Die Vorschau wird geschrieben...';
    $Self->{Translation}->{'all'}                        = 'alle';
    $Self->{Translation}->{'api'}                        = 'API';
    $Self->{Translation}->{'companies'}                  = 'Firmen';
    $Self->{Translation}->{'console'}                    = 'Konsole';
    $Self->{Translation}->{'create'}                     = 'anlegen';
    $Self->{Translation}->{'created'}                    = 'angelegt';
    $Self->{Translation}->{'cron'}                       = 'Cron';
    $Self->{Translation}->{'customers'}                  = 'Kunden';
    $Self->{Translation}->{'delete'}                     = 'löschen';
    $Self->{Translation}->{'deleted'}                    = 'gelöscht';
    $Self->{Translation}->{'dry run'}                    = 'Probelauf';
    $Self->{Translation}->{'error'}                      = 'Fehler';
    $Self->{Translation}->{'failed'}                     = 'fehlgeschlagen';
    $Self->{Translation}->{'full'}                       = 'vollständig';
    $Self->{Translation}->{'incremental'}                = 'inkrementell';
    $Self->{Translation}->{'invalidate'}                 = 'ungültig setzen';
    $Self->{Translation}->{'invalidated'}                = 'ungültig gesetzt';
    $Self->{Translation}->{'locked'}                     = 'gesperrt';
    $Self->{Translation}->{'memberships'}                = 'Mitgliedschaften';
    $Self->{Translation}->{'newer'}                      = 'neuere';
    $Self->{Translation}->{'next'}                       = 'weiter';
    $Self->{Translation}->{'not reported by Salesforce'} = 'von Salesforce nicht gemeldet';
    $Self->{Translation}->{'not set'}                    = 'nicht gesetzt';
    $Self->{Translation}->{'off'}                        = 'aus';
    $Self->{Translation}->{'ok'}                         = 'ok';
    $Self->{Translation}->{'older'}                      = 'ältere';
    $Self->{Translation}->{'on'}                         = 'an';
    $Self->{Translation}->{'previous'}                   = 'zurück';
    $Self->{Translation}->{'refused'}                    = 'abgelehnt';
    $Self->{Translation}->{'screen'}                     = 'Admin-Seite';
    $Self->{Translation}->{'set'}                        = 'gesetzt';
    $Self->{Translation}->{'skip'}                       = 'überspringen';
    $Self->{Translation}->{'skipped'}                    = 'übersprungen';
    $Self->{Translation}->{'unchanged'}                  = 'unverändert';
    $Self->{Translation}->{'unreadable'}                 = 'nicht lesbar';
    $Self->{Translation}->{'update'}                     = 'aktualisieren';
    $Self->{Translation}->{'updated'}                    = 'aktualisiert';

    # The strings of Core.Agent.Admin.SalesForce.js.
    $Self->{JavaScriptStrings} //= [];
    push @{ $Self->{JavaScriptStrings} }, (
        'Applied %s of %s changes...',
        'Reading Salesforce and planning...',
        'Reading the OTRS customer data...',
        'Running...',
        'Waiting for the OTRS daemon to start the task...',
        'Writing the preview...',
    );

    return;
}

1;
