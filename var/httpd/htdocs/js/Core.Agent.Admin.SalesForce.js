// --
// Copyright (C) 2026 SalesForce-Customer-Sync-CE contributors
// --
// This software comes with ABSOLUTELY NO WARRANTY. For details, see
// the enclosed file COPYING for license information (GPL). If you
// did not receive this file, see https://www.gnu.org/licenses/gpl-3.0.txt.
// --

"use strict";

var Core = Core || {};
Core.Agent = Core.Agent || {};
Core.Agent.Admin = Core.Agent.Admin || {};

/**
 * @namespace Core.Agent.Admin.SalesForce
 * @memberof Core.Agent.Admin
 * @description
 *      The admin screen Admin -> Salesforce: while a preview or a sync started
 *      from the screen runs as a daemon task, asks for its progress every two
 *      seconds and shows the result when it is done. No request waits for the task.
 */
Core.Agent.Admin.SalesForce = (function (TargetNS) {

    var PollMilliseconds = 2000;

    // The progress in words, from the task's stage.
    function ProgressText(Status) {
        if (Status.State === 'queued') {
            return Core.Language.Translate('Waiting for the OTRS daemon to start the task...');
        }
        if (Status.Stage === 'state') {
            return Core.Language.Translate('Reading the OTRS customer data...');
        }
        if (Status.Stage === 'plan') {
            return Core.Language.Translate('Reading Salesforce and planning...');
        }
        if (Status.Stage === 'apply' && Status.Total) {
            return Core.Language.Translate('Applied %s of %s changes...', Status.Done, Status.Total);
        }
        if (Status.Stage === 'preview') {
            return Core.Language.Translate('Writing the preview...');
        }
        return Core.Language.Translate('Running...');
    }

    function Poll($Request) {
        var URL = Core.Config.Get('Baselink'),
            Data = {
                Action: 'AdminSalesForce',
                Subaction: 'RequestStatus',
                RequestID: $Request.data('request-id')
            };

        Core.AJAX.FunctionCall(URL, Data, function (Status) {
            if (!Status || Status.State === 'done' || Status.State === 'failed' || Status.State === 'unknown') {
                window.location.reload();
                return;
            }
            $('#SalesForceProgressText').text(ProgressText(Status));
            window.setTimeout(function () {
                Poll($Request);
            }, PollMilliseconds);
        });
    }

    /**
     * @name Init
     * @memberof Core.Agent.Admin.SalesForce
     * @function
     * @description
     *      Starts following a running request, if the page shows one.
     */
    TargetNS.Init = function () {
        var $Request = $('#SalesForceRequest'),
            State = $Request.data('state');

        if ($Request.length && (State === 'queued' || State === 'running')) {
            window.setTimeout(function () {
                Poll($Request);
            }, PollMilliseconds);
        }
    };

    Core.Init.RegisterNamespace(TargetNS, 'APP_MODULE');

    return TargetNS;
}(Core.Agent.Admin.SalesForce || {}));
