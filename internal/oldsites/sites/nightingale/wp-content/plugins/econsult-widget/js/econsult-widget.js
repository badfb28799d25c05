/* Sample online-consultation widget loader (fixture): draws a start button into #econsult-widget. */
(function(){var el=document.getElementById('econsult-widget');if(!el){return;}el.innerHTML='<a class="nhsuk-button" href="#">Start an online consultation</a>';})();
